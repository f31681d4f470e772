/**
 * Capture, simulate, compare — on the real kernels (issue #15, item 6). Inside the VM the executor saves /proc of
 * its own process right before every walk (`proc-snapshot`, kernel/executor/PROGRAM.md): maps/smaps, mountinfo, the
 * pagemap entries of the walk's range, the kpageflags of the pfns there (and /proc/iomem when device pages are
 * among them). Each snapshot is captured (src/core/capture/snapshot.ts), written as a scenario that ends with the
 * same walk (src/core/capture/generate.ts), simulated, and compared with the kernel's walk of that same moment
 * (src/core/oracle/compare.ts's normalisation). One VM boot per kernel; every walk must agree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareCaptured, withProcSnapshots, type CapturedWalkVerdict } from '../../src/core/capture/oracle';
import type { IomemRegion } from '../../src/core/capture/procfs';
import { compareWalk, kernelPfnClass, PageIdentity } from '../../src/core/oracle/compare';
import { lowerScenario, simSide } from '../../src/core/oracle/lower';
import type { PfnLayout } from '../../src/core/layouts/types';
import { programText } from '../../src/core/oracle/program';
import { VM_TARGETS } from '../../src/core/oracle/targets';
import { parseScenario } from '../../src/core/scenario/parse';
import { buildExecutor, buildProbe } from '../../src/oracle/artifacts';
import { prepareKernel } from '../../src/oracle/kernels';
import { runVm } from '../../src/oracle/vm';
import { KERNELS, root, scenarioFiles } from './corpus';

const CORPUS = ['examples', 'test/conformance', 'test/kernel/newcomer'];
const log = (m: string) => process.stdout.write(`# ${m}\n`);
const results = join(root, 'test-results', 'kernel');

/** The probe's two devices own the two "hmm_probe" regions; request_free_mem_region() hands them out from the top. */
function probeRegions(regions: readonly IomemRegion[]): IomemRegion[] {
  return regions.filter((r) => r.name === 'hmm_probe').sort((a, b) => (a.start > b.start ? -1 : 1));
}

/**
 * Walks whose state /proc does not show, with what it hides. For these the comparison must still agree once the
 * hidden part is left out of both sides: the capture got everything else right.
 *  - write: pagemap does not show whether a PTE is writable. A page read back from swap on 6.1 (zram bypasses the
 *    swap cache), a private hugetlb page that was only read, a page migrated back from a read-only device entry,
 *    a driver page inserted read-only into a write-notify mapping all look like their writable counterparts.
 *  - slot: whether the page table that would hold an empty hugetlb entry exists (after MADV_DONTNEED it stays) is
 *    not shown; the walk reports such a slot as NONE with the huge page's order.
 */
const HIDDEN: Record<string, 'write' | 'slot'> = {
  'test/conformance/versions/hugetlb_first_entry_request.hmm.yaml:42': 'write',
  'test/conformance/versions/special_pte_v5.6.hmm.yaml:16': 'write',
  'test/conformance/versions/special_pte_v5.7.hmm.yaml:17': 'write',
  'test/conformance/versions/special_pte_v5.7.hmm.yaml:25': 'write',
  'test/conformance/versions/special_pte_v5.8.hmm.yaml:16': 'write',
  'test/conformance/versions/special_pte_v5.8.hmm.yaml:25': 'write',
  'test/conformance/versions/special_pte_v6.19.hmm.yaml:17': 'write',
  'test/conformance/versions/special_pte_v6.19.hmm.yaml:26': 'write',
  'test/kernel/newcomer/20-pageout-swapin-6.1.hmm.yaml:14': 'write',
  'test/kernel/newcomer/33-thp-pageout.hmm.yaml:15': 'write',
  'test/kernel/newcomer/42-devpriv-mprotect-dontneed.hmm.yaml:21': 'write',
  'test/kernel/newcomer/34-hugetlb-shared-dontneed.hmm.yaml:11': 'slot',
};

/**
 * Both sides' words with what /proc does not show left out: the WRITE bit; or, for an empty hugetlb slot, a non-VALID
 * word's content (the walk stores the page's offset and the huge page's order there, with VALID clear).
 */
function withoutHidden(v: CapturedWalkVerdict, kind: 'write' | 'slot', layout: PfnLayout): { sim: BigUint64Array; kernel: BigUint64Array } {
  const write = layout.flags.find((f) => f.name === 'WRITE')!.mask;
  const valid = layout.flags.find((f) => f.name === 'VALID')!.mask;
  const strip = (w: bigint) => (kind === 'write' ? w & ~write : w & valid ? w : 0n);
  return { sim: v.sim!.pfns.map(strip), kernel: v.kernel!.words.map(strip) };
}

const tally = new Map<string, CapturedWalkVerdict[]>();

for (const id of KERNELS) {
  test(`capture → simulate → compare on ${id}: the simulator, fed the captured /proc state, agrees with the real walk of that moment`,
    { timeout: 40 * 60_000 }, async (t) => {
      const kernel = await prepareKernel(id, { log });
      const executor = await buildExecutor(log);
      const probe = await buildProbe(kernel, log);
      const target = VM_TARGETS[id];
      const planned = CORPUS.flatMap(scenarioFiles).map((file, i) => {
        const parsed = parseScenario(readFileSync(join(root, file), 'utf8'), file);
        assert.ok(parsed.scenario, `${file} parses`);
        const lowering = lowerScenario(parsed.scenario!, target);
        const name = `${String(i).padStart(3, '0')}-capture`;
        const p = programText(name, lowering.ops);
        const vmasOf = (id: number) => lowering.walks.find((w) => w.index === id)?.sim?.vmas ?? [];
        return { file, lowering, name, ...withProcSnapshots(p.text, p.lineOp, lowering.ops, lowering.pageSize, vmasOf) };
      }).filter((p) => !p.lowering.empty);
      const vm = await runVm(kernel, probe, executor, planned.map((p) => ({ name: p.name, text: p.text })), { log });
      log(`${id}: ${vm.report.ready?.release}; VM ${vm.seconds.toFixed(1)} s, ${planned.length} programs`);
      const all: CapturedWalkVerdict[] = [];
      for (const p of planned) {
        const run = vm.report.programs.get(p.name);
        const verdicts = compareCaptured(p.lowering, run, { deviceRegions: probeRegions });
        for (const v of verdicts) {
          all.push(v);
          const hidden = HIDDEN[`${p.file}:${v.line}`];
          if (hidden && v.status === 'disagree' && v.sim && v.kernel && p.lowering.layout) {
            await t.test(`${id}: ${p.file}: ${v.name} (line ${v.line}): agrees but for what /proc does not show (${hidden === 'write' ? 'PTE write permission' : 'an empty hugetlb slot'})`, () => {
              const words = withoutHidden(v, hidden, p.lowering.layout!);
              const c = compareWalk({ ...simSide(v.sim!, 512), words: words.sim }, { ret: v.kernel!.ret, calls: v.kernel!.calls, stale: v.kernel!.stale,
                words: words.kernel, classOf: (i) => kernelPfnClass(v.kernel!.facts[i]) }, p.lowering.layout!, v.sim!.start / 4096n, new PageIdentity(), 0);
              assert.ok(c.agree, `${p.file}:${v.line} walk "${v.name}" on ${id} differs in more than ${hidden}: ${[...c.outcome, ...c.pages.map((x) => `page ${x.index}: ${x.why}`)].join('; ')}\n${v.scenario ?? ''}`);
            });
            continue;
          }
          await t.test(`${id}: ${p.file}: ${v.name} (line ${v.line})`, () => {
            assert.equal(v.status, 'agree', `${p.file}:${v.line} walk "${v.name}" on ${id}: ${v.status}: ${v.reason ?? ''}\n${v.scenario ?? ''}`);
          });
        }
      }
      tally.set(id, all);
      mkdirSync(results, { recursive: true });
      writeFileSync(join(results, `capture-${id}.json`), JSON.stringify(all.map((v) => ({ name: v.name, line: v.line, status: v.status, reason: v.reason })), null, 2));
      await t.test(`${id}: the snapshots arrived and most walks were compared`, () => {
        assert.ok(all.length >= 40, `${all.length} walks compared`);
        assert.deepEqual(vm.report.malformed.slice(0, 3), [], 'no unreadable console line');
      });
    });
}
