/** The template of "HMM: New Scenario" (no vscode import: unit tests parse and run it). */
export const SCENARIO_TEMPLATE = `# A new HMM Lens scenario: build an address space, then read it the way a driver does.
# Reference: docs/scenario-reference.md. Hover a value for its decoding; CodeLens above each walk runs it.
hmm: 1
name: my scenario
kernel: latest
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 4, prot: rw, flags: [private, anonymous] }
  - write: { at: buf }
  - read: { at: buf+1 }
  - walk:
      name: snapshot
      device: gpu0
      at: buf
      pages: 4
      mode: snapshot
      expect:
        ret: 0
        pfns: [VALID WRITE, VALID zero, NONE, NONE]
  - walk:
      name: fault for write
      device: gpu0
      at: buf
      pages: 4
      mode: fault_write
      expect:
        ret: 0
        pfns: [VALID WRITE *4]
`;
