/** Help text of `hmm-lens` and its commands. */
import type { OptionSpec } from './args';

export const RUN_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', value: false, help: 'print one JSON document (files, walks, raw pfns, decoded entries, mismatches)' },
  { name: 'kernel', value: true, arg: 'ID', help: 'model this kernel instead of the file\'s (v5.8, v6.16, latest, proposal:…)' },
  { name: 'mode', value: true, arg: 'MODE', help: 'run every walk as snapshot, fault or fault_write' },
  { name: 'device', value: true, arg: 'NAME', help: 'run every walk as this device (dev_private_owner)' },
  { name: 'trace', value: false, help: 'print the walk trace (which kernel function decided each page)' },
  { name: 'max-pages', value: true, arg: 'N', help: 'largest walk allowed (default 16777216 pages)' },
  { name: 'help', value: false, help: 'show this help' },
];

export const VERIFY_OPTIONS: readonly OptionSpec[] = [
  { name: 'on', value: true, arg: 'KERNEL', help: 'debian-6.1, debian-6.12, devpriv-6.1 (VMs) or host (this machine\'s probe)' },
  { name: 'json', value: false, help: 'print one JSON document (verdicts, differing pages, probe checks, timings)' },
  { name: 'words', value: false, help: 'with --json: both sides\' words of every expressible walk' },
  { name: 'selftest', value: false, help: 'also run the kernel\'s own hmm-tests selftest (devpriv-6.1) and report each test' },
  { name: 'help', value: false, help: 'show this help' },
];

export const CAPTURE_OPTIONS: readonly OptionSpec[] = [
  { name: 'range', value: true, arg: 'START[+LEN]', help: 'capture [START, START+LEN) (LEN: 4096, 0x1000, 64K, 2M, 1G), START-END, or the mapping at START' },
  { name: 'o', value: true, arg: 'FILE', help: 'write the scenario to FILE (default: standard output)' },
  { name: 'output', value: true, arg: 'FILE', help: 'the same as -o' },
  { name: 'scan-limit', value: true, arg: 'SIZE', help: 'largest mapping searched for its resident pages (default 4T)' },
  { name: 'help', value: false, help: 'show this help' },
];

export const DECODE_OPTIONS: readonly OptionSpec[] = [
  { name: 'kernel', value: true, arg: 'ID', help: 'decode with the layout of this kernel (default latest)' },
  { name: 'legacy', value: true, arg: 'PROFILE', help: 'driver profile for kernels up to v5.7: amdgpu (default), nouveau, test_hmm' },
  { name: 'layout', value: true, arg: 'ID', help: 'decode with this layout id (see hmm-lens layouts)' },
  { name: 'page-size', value: true, arg: 'N', help: 'page size for physical addresses: 4096 (default), 16384, 65536' },
  { name: 'json', value: false, help: 'print JSON' },
  { name: 'help', value: false, help: 'show this help' },
];

export const LAYOUTS_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', value: false, help: 'print JSON' },
  { name: 'help', value: false, help: 'show this help' },
];

function optionLines(specs: readonly OptionSpec[]): string {
  return specs.map((s) => `  --${s.name}${s.value ? ` ${s.arg ?? 'VALUE'}` : ''}`.padEnd(22) + ` ${s.help}`).join('\n');
}

export const MAIN_HELP = `hmm-lens — simulate and decode Linux hmm_range_fault()

Usage:
  hmm-lens run FILE|DIR... [options]     run every walk of the scenario files and check every expect
  hmm-lens verify FILE|DIR... --on K     run the walks on a real kernel and compare with the simulator
  hmm-lens capture PID [options]         write a scenario that reproduces a live process's address space
  hmm-lens decode VALUE... [options]     decode hmm_pfns words as the editor hover does
  hmm-lens layouts [--json]              list the pfn layouts and which kernels use them
  hmm-lens --help | --version

Exit status of run: 0 all expectations hold, 1 an expectation fails, 2 a file is invalid (or bad usage).
Exit status of verify: 0 every expressible walk agrees, 1 a walk disagrees, 2 a file is invalid (or bad usage),
3 the kernel could not be prepared or run.
Exit status of capture: 0 captured, 1 the process could not be captured (gone, not permitted, too large), 2 bad usage.
Scenario format: docs/scenario-reference.md. "hmm-lens COMMAND --help" shows the options of a command.
`;

export const RUN_HELP = `Usage: hmm-lens run FILE|DIR... [options]

Runs every walk of each scenario file (*.hmm.yaml, *.hmm.json; directories are searched recursively) and checks
every expect block. Errors are printed as file:line:col: error: message.

Options:
${optionLines(RUN_OPTIONS)}

Exit status: 0 all expectations hold, 1 an expectation fails, 2 a file is invalid.
`;

export const VERIFY_HELP = `Usage: hmm-lens verify FILE|DIR... --on KERNEL [options]

Runs the scenarios on a real Linux kernel and compares every walk with the simulator, which runs each scenario as
if its kernel: were that kernel's release (expect blocks are not consulted). KERNEL is one of
  debian-6.1    Debian's 6.1 kernel in a QEMU VM
  debian-6.12   Debian's 6.12 kernel in a QEMU VM
  devpriv-6.1   Debian's linux-source-6.1 built with DEVICE_PRIVATE and TEST_HMM (migrate, exclusive), in a VM
  host          this machine's kernel, through the probe module loaded here (make -C kernel/probe; insmod)
The first use prepares the kernel into ~/.cache/hmm-lens (HMM_LENS_CACHE overrides): Debian packages are downloaded
and extracted, never installed; devpriv-6.1 is built once (about 8 minutes on 2 cores). Progress goes to stderr.

Each walk agrees, disagrees (the first differing pages, both words decoded), or is not expressible on that kernel
(with the reason: a step no real kernel reproduces on demand, a feature the release lacks). The last line is
"N walks · A agree · D disagree · S not expressible".

Options:
${optionLines(VERIFY_OPTIONS)}

Exit status: 0 every expressible walk agrees, 1 a walk disagrees, 2 a file is invalid or bad usage, 3 the kernel
could not be prepared or run (the message says what is missing, or shows the console of a VM that failed).
`;

export const CAPTURE_HELP = `Usage: hmm-lens capture PID [--range START[+LENGTH]] [-o FILE]

Reads what the kernel shows of a live process (/proc/PID/smaps, mountinfo, pagemap and, as root, /proc/kpageflags)
and writes a scenario that reproduces it: the mappings at their real addresses with their flags, the page states
through the steps that produce them (set where only an exact state will do), then a snapshot and a faulting walk
over the range (or over each mapping). The file's comments say what was captured, when, on which kernel, and every
state it could not express, and why. Without root pagemap hides the pfns and /proc/kpageflags is unreadable: the
capture then infers what it can from pagemap's flags and smaps, and says so in the file and on stderr.

Options:
  -o FILE, --output FILE   write the scenario to FILE (default: standard output)
  --range START[+LENGTH]   capture [START, START+LENGTH) only (LENGTH: 4096, 0x1000, 64K, 2M, 1G); START-END;
                           START alone: the mapping that contains START
  --scan-limit SIZE        largest mapping searched for its resident pages (default 4T); a larger one that has
                           pages is captured as a mapping only, and the warning says so
  --help                   show this help

Exit status: 0 captured (what is not expressed exactly is listed in the file), 1 the process could not be
captured (no such process, it exited, permission denied, too many mappings for one scenario), 2 bad usage.
`;

export const DECODE_HELP = `Usage: hmm-lens decode VALUE... [options]

Decodes u64 hmm_pfns words (hex 0x… or decimal) with the layout of a kernel release, naming the layout used.

Options:
${optionLines(DECODE_OPTIONS)}
`;

export const LAYOUTS_HELP = `Usage: hmm-lens layouts [--json]

Lists every pfn layout: its flag bits, map order field, legacy values and the kernel releases that use it.
`;
