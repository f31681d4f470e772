/**
 * Issue #15 item 5, on this machine's kernel: a child process the test starts with known mappings (anonymous written
 * and read-only read, a MADV_HUGEPAGE THP, shared anonymous, a shared and a private file mapping, a PROT_NONE guard,
 * a munmapped hole) is captured from /proc, the scenario is parsed and simulated, and the snapshot walks must describe
 * exactly the states the child created. Then the bad inputs: a PID that does not exist, a process that exits while
 * it is captured, files we may not read (as an unprivileged user), a 64 TiB reservation with three pages, VMAs that
 * change under the capture, and the CLI's exit codes and messages.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generateScenario } from '../../src/core/capture/generate';
import { decodePfn, resolveLayout } from '../../src/core/layouts';
import { ZERO_PFN } from '../../src/core/mm/phys';
import { parseScenario } from '../../src/core/scenario/parse';
import type { ScenarioResult, WalkResult } from '../../src/core/scenario/result';
import { runScenario } from '../../src/core/scenario/run';
import { captureProcess, CaptureFailure } from '../../src/capture/read';
import { startChild, buildChild, type CaptureChild } from '../fixtures/capture/child';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'hmm-lens-capture-'));
chmodSync(work, 0o777);
let child: CaptureChild;

before(async () => { child = await startChild(work); });
after(() => { child?.stop(); rmSync(work, { recursive: true, force: true }); });

/** The pfn of the child's page at `addr`, from its pagemap (root: pfns are visible). */
function pfnOf(pid: number, addr: bigint): bigint {
  const buf = Buffer.alloc(8);
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    readSync(fd, buf, 0, 8, Number(addr / 4096n) * 8);
  } finally {
    closeSync(fd);
  }
  return buf.readBigUInt64LE() & ((1n << 55n) - 1n);
}

function anonHugeKb(pid: number, addr: bigint): number {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n');
  const i = smaps.findIndex((l) => l.startsWith(`${addr.toString(16)}-`));
  for (let j = i + 1; j < smaps.length && !/^[0-9a-f]+-/.test(smaps[j]); j++) {
    const m = /^AnonHugePages:\s+(\d+) kB/.exec(smaps[j]);
    if (m) return Number(m[1]);
  }
  return 0;
}

function run(text: string): ScenarioResult {
  const p = parseScenario(text, 'capture.hmm.yaml');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos.line}: ${d.message}`), [], text);
  const r = runScenario(p.scenario!);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos.line}: ${d.message}`), [], text);
  return r;
}

/** What a snapshot walk says about the page at `addr`: its flags, order and whether it is the zero page. */
function pageAt(r: ScenarioResult, addr: bigint): string {
  const w = r.walks.find((x: WalkResult) => x.name.startsWith('snapshot') && addr >= x.start && addr < x.start + BigInt(x.pages) * 4096n);
  assert.ok(w, `no snapshot walk covers 0x${addr.toString(16)}`);
  const word = w.pfns[Number((addr - w.start) / 4096n)];
  const layout = resolveLayout(r.kernel).layout!;
  const d = decodePfn(word, layout);
  const flags = d.flags.filter((f) => f === 'VALID' || f === 'WRITE' || f === 'ERROR');
  return [...(flags.length ? flags : ['NONE']), ...(d.order ? [`order=${d.order}`] : []), ...(d.flags.includes('VALID') && d.pfn === BigInt(ZERO_PFN) ? ['zero'] : [])].join(' ');
}

test('item 5: the capture of a child with known mappings simulates to exactly the states the child created', async () => {
  const m = (n: string) => child.maps.get(n)!;
  const out = await captureProcess(child.pid);
  assert.equal(out.capture.root, true, 'the tests run as root: pfns and kpageflags are read');
  const gen = generateScenario(out.capture);
  const r = run(gen.text);
  const at = (n: string, page: number) => pageAt(r, m(n).addr + BigInt(page) * 4096n);
  const range = (n: string, from: number, to: number) => Array.from({ length: to - from }, (_x, i) => at(n, from + i));
  // private anonymous: 8 written pages, 8 untouched
  assert.deepEqual(range('anon', 0, 8), Array(8).fill('VALID WRITE'));
  assert.deepEqual(range('anon', 8, 16), Array(8).fill('NONE'));
  // read-only, read: the shared zero page where the kernel maps it on a read (all four pages have one pfn); this
  // machine's kernel may give a fresh page instead — read-only either way
  const ronly = m('ronly').addr;
  const zeroPage = pfnOf(child.pid, ronly) === pfnOf(child.pid, ronly + 4096n);
  assert.deepEqual(range('ronly', 0, 4), Array(4).fill(zeroPage ? 'VALID zero' : 'VALID'));
  assert.deepEqual(range('ronly', 4, 8), Array(4).fill('NONE'));
  // MADV_HUGEPAGE: the first 2 MiB written — a THP when the kernel could allocate one (smaps says), else 4 KiB pages
  const thp = anonHugeKb(child.pid, m('thp').addr) >= 2048;
  assert.deepEqual([...new Set(range('thp', 0, 512))], [thp ? 'VALID WRITE order=9' : 'VALID WRITE']);
  assert.deepEqual([...new Set(range('thp', 512, 1024))], ['NONE']);
  // shared anonymous (shmem, no write notification): written and read pages are mapped writable
  assert.deepEqual(range('shared', 0, 4), Array(4).fill('VALID WRITE'));
  assert.deepEqual(range('shared', 4, 8), Array(4).fill('NONE'));
  // a shared file mapping on this machine's /tmp (ext4: write notification): written page writable, read page
  // read-only; the pages fault-around mapped with it are read-only page cache too
  assert.equal(at('file', 0), 'VALID WRITE');
  assert.equal(at('file', 1), 'VALID');
  for (const s of range('file', 2, 8)) assert.ok(s === 'NONE' || s === 'VALID', s);
  // the private mapping of the same file: the written page is a private copy, the read one the page cache
  assert.equal(at('fpriv', 0), 'VALID WRITE');
  assert.equal(at('fpriv', 1), 'VALID');
  for (const s of range('fpriv', 2, 8)) assert.ok(s === 'NONE' || s === 'VALID', s);
  // PROT_NONE: a snapshot reports ERROR (no VM_READ)
  assert.deepEqual(range('guard', 0, 4), Array(4).fill('ERROR'));
  assert.deepEqual(range('after', 0, 4), Array(4).fill('VALID WRITE'));
  // the hole has no mapping in the scenario: no walk covers it; the VMAs are at their real addresses
  assert.ok(!r.walks.some((w) => m('hole').addr >= w.start && m('hole').addr < w.start + BigInt(w.pages) * 4096n));
  for (const n of ['anon', 'thp', 'shared', 'file', 'fpriv', 'guard', 'after']) {
    assert.match(gen.text, new RegExp(`at: 0x${m(n).addr.toString(16)},`), `${n} is created at its address`);
  }
  assert.match(gen.text, /^kernel: v\d+\.\d+$/m, 'kernel: from uname');
  assert.ok(gen.text.includes(`on Linux ${release()} (modelled as v`), 'the kernel release from uname');
  // the faulting walks ran after the snapshots
  const firstFault = r.walks.findIndex((w) => w.name.startsWith('fault'));
  assert.ok(firstFault > 0 && r.walks.slice(firstFault).every((w) => w.name.startsWith('fault')));
});

test('item 5: a range across the guard, the hole and the mapping after it: ERROR, ERROR (no VMA), written pages', async () => {
  const g = child.maps.get('guard')!;
  const out = await captureProcess(child.pid, { range: { start: g.addr, end: g.addr + 12n * 4096n } });
  const gen = generateScenario(out.capture);
  assert.equal(gen.walks.length, 2);
  assert.deepEqual(gen.walks.map((w) => w.name), ['snapshot of the range', 'fault of the range']);
  const r = run(gen.text);
  const snap = r.walks[0];
  const layout = resolveLayout(r.kernel).layout!;
  const words = Array.from(snap.pfns, (w) => decodePfn(w, layout).flags.filter((f) => f !== 'ERROR' || true).join(' ') || 'NONE');
  assert.deepEqual(words, [...Array(8).fill('ERROR'), ...Array(4).fill('VALID WRITE')]);
  // the faulting walk fails at the PROT_NONE page
  assert.equal(r.walks[1].ret, -14);
});

test('a PID that does not exist: a clear message, no stack trace', async () => {
  await assert.rejects(captureProcess(4_000_000), (e: unknown) => e instanceof CaptureFailure && e.kind === 'no-process'
    && /no process with PID 4000000 \(\/proc\/4000000 does not exist\)/.test(e.message));
});

test('a process that exits while it is captured: "exited", not a crash or a partial file', async () => {
  const c = await startChild(work);
  let killed = false;
  await assert.rejects(captureProcess(c.pid, {
    blockPages: 512,
    onProgress: () => {
      if (killed) return;
      killed = true;
      c.stop();
      // wait until the address space is gone (the process is a zombie until we reap it)
      for (let i = 0; i < 200; i++) {
        const st = spawnSync('cat', [`/proc/${c.pid}/stat`], { encoding: 'utf8' }).stdout;
        if (!st || / Z /.test(st)) break;
        spawnSync('sleep', ['0.01']);
      }
    },
  }), (e: unknown) => e instanceof CaptureFailure && e.kind === 'exited' && new RegExp(`process ${c.pid} exited while it was being captured`).test(e.message));
});

test('a 64 TiB PROT_NONE reservation with three pages made writable: a correct capture in well under a second', async () => {
  const c = await startChild(work, ['sparse']);
  try {
    const res = c.maps.get('reservation')!;
    const t0 = performance.now();
    const out = await captureProcess(c.pid);
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
    const gen = generateScenario(out.capture);
    // the three written pages are separate VMAs (mprotect split the reservation); each is written
    for (const off of [0n, (1n << 46n) / 2n, (1n << 46n) - 4096n]) {
      assert.match(gen.text, new RegExp(`at: 0x${(res.addr + off).toString(16)}, pages: 1, prot: rw`));
    }
    assert.match(gen.text, /nothing resident \(smaps: Rss and Swap 0\): not read/);
    const r = run(gen.text);
    for (const off of [0n, (1n << 46n) / 2n, (1n << 46n) - 4096n]) assert.equal(pageAt(r, res.addr + off), 'VALID WRITE');
  } finally {
    c.stop();
  }
});

test('VMAs that change under the capture: read again; a process that keeps changing is captured with the changes named', async () => {
  const c = await startChild(work);
  try {
    // the child maps 4 more pages while its pages are being read: the maps differ afterwards, so all is read again
    const before = readFileSync(`/proc/${c.pid}/maps`, 'utf8');
    let poked = false;
    const mapNow = () => {
      if (poked) return;
      poked = true;
      c.proc.stdin!.write('m');
      for (let i = 0; i < 500 && readFileSync(`/proc/${c.pid}/maps`, 'utf8') === before; i++) spawnSync('sleep', ['0.01']);
    };
    const out = await captureProcess(c.pid, { blockPages: 512, onProgress: mapNow });
    assert.equal(out.stats.attempts, 2);
    assert.deepEqual(out.warnings, []);
    const g = generateScenario(out.capture);
    const now = readFileSync(`/proc/${c.pid}/maps`, 'utf8');
    assert.notEqual(now, before);
    run(g.text);
    // with no second reading allowed: captured, and the change is named in the file and the warnings
    const churn = join(work, 'churn.c');
    // a mapping of 1, 2 or 3 MiB, a new one every few hundred microseconds: two readings of the maps rarely agree
    writeFileSync(churn, '#include <sys/mman.h>\n#include <stdio.h>\nint main(void) { puts("ready"); fflush(stdout);\n'
      + '  for (unsigned long n = 0;; n++) { unsigned long len = (1 + n % 3) << 20;\n'
      + '    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n'
      + '    for (unsigned long i = 0; i < len; i += 4096) p[i] = 1; munmap(p, len); } }\n');
    const bin = join(work, 'churn');
    assert.equal(spawnSync('gcc', ['-O2', '-o', bin, churn]).status, 0);
    const p = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => p.stdout!.once('data', () => r()));
    try {
      let changed = 0;
      for (let i = 0; i < 20 && changed === 0; i++) {
        const o = await captureProcess(p.pid!, { retries: 0, blockPages: 512 });
        if (o.warnings.some((w) => /changed while they were read, 1 times in a row/.test(w))) {
          changed++;
          assert.match(generateScenario(o.capture).text, /mapping\(s\) changed while they were read/);
        }
      }
      assert.ok(changed > 0, 'a process that maps and unmaps all the time was seen changing');
    } finally {
      p.kill('SIGKILL');
    }
  } finally {
    c.stop();
  }
});

// ---- the CLI ------------------------------------------------------------------------------------------------

function cli(args: string[], asUser?: number): { code: number; out: string; err: string } {
  const cmd = asUser === undefined ? process.execPath : 'setpriv';
  const base = [process.execPath, '--import', 'tsx', join(root, 'src/cli/main.ts'), 'capture', ...args];
  const argv = asUser === undefined ? base.slice(1) : [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', ...base];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: root, timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('CLI: hmm-lens capture PID -o FILE writes a scenario that runs; the summary goes to stderr', () => {
  const file = join(work, 'cli.hmm.yaml');
  const r = cli([String(child.pid), '-o', file]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`captured process ${child.pid} \\(capture-child\\): \\d+ mappings`));
  assert.equal(r.out, '');
  run(readFileSync(file, 'utf8'));
});

test('CLI: bad input gets exit 2 or 1 and a message, never a stack trace', () => {
  const cases: [string[], number, RegExp][] = [
    [[], 2, /capture needs a process id/],
    [['abc'], 2, /"abc" is not a process id/],
    [['1', '2'], 2, /capture takes one process id/],
    [[String(child.pid), '--range', 'zz'], 2, /--range: range start "zz" is not an address/],
    [[String(child.pid), '--range', '0x1000+lots'], 2, /range length "lots" is not a size/],
    [[String(child.pid), '--range', '0x900000000000'], 2, /above the user address space/],
    [[String(child.pid), '--range', '0x1000'], 1, /nothing is mapped at 0x1000 in process/],
    [['4000000'], 1, /no process with PID 4000000/],
    [[String(child.pid), '--bogus'], 2, /unknown option "--bogus"/],
  ];
  for (const [args, code, msg] of cases) {
    const r = cli(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg, args.join(' '));
    assert.doesNotMatch(r.err, /\n\s+at /, `no stack trace for ${args.join(' ')}`);
  }
});

test('CLI without root: another user\'s process is refused with a reason; an own process is captured without pfns, and the file and stderr say so', async () => {
  const nobody = 65534;
  const denied = cli(['1'], nobody);
  assert.equal(denied.code, 1, denied.err);
  assert.match(denied.err, /cannot read \/proc\/1\/(smaps|pagemap).*permission denied/);
  buildChild();
  const dir = join(work, 'nobody');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const own = await startChild(dir, [], { uid: nobody, gid: nobody });
  try {
    const r = cli([String(own.pid)], nobody);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning: not running as root: pagemap hides the pfns and \/proc\/kpageflags is not readable/);
    assert.match(r.out, /# Read WITHOUT CAP_SYS_ADMIN/);
    const res = run(r.out);
    // what pagemap still gives is enough for these states
    const m = (n: string) => own.maps.get(n)!;
    assert.equal(pageAt(res, m('anon').addr), 'VALID WRITE');
    assert.equal(pageAt(res, m('shared').addr), 'VALID WRITE');
    assert.equal(pageAt(res, m('guard').addr), 'ERROR');
    assert.equal(pageAt(res, m('after').addr), 'VALID WRITE');
  } finally {
    own.stop();
  }
});
