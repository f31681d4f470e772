/**
 * Reading the VM console (src/core/oracle/output.ts) and judging walks against it (compare.ts, judge.ts). The
 * kernel's side is made here from the simulator's own results with every pfn moved to another number (real pfns are
 * never the simulator's), then changed the ways a real kernel could differ: each change must be a disagreement that
 * names what differs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FACT, simPfnClass } from '../../src/core/oracle/compare';
import { judgeScenario, summaryLine, tally, verdictText, verdictsToJson } from '../../src/core/oracle/judge';
import { lowerScenario, type Lowering } from '../../src/core/oracle/lower';
import { kernelProblems, readConsole } from '../../src/core/oracle/output';
import { programText } from '../../src/core/oracle/program';
import { VM_TARGETS } from '../../src/core/oracle/targets';
import { parseScenario } from '../../src/core/scenario/parse';

const VALID = 1n << 63n;
const WRITE = 1n << 62n;
const PFN = (1n << 52n) - 1n;

function lower(body: string, target: keyof typeof VM_TARGETS = 'debian-6.1'): Lowering {
  const p = parseScenario(`hmm: 1\nkernel: v6.19\ndevices: [gpu0, gpu1]\nsteps:\n${body}`, 's.hmm.yaml');
  assert.ok(p.scenario, p.diagnostics.map((d) => d.message).join('; '));
  return lowerScenario(p.scenario!, VM_TARGETS[target]);
}

type Edit = (walk: number, words: bigint[], facts: number[]) => void;

/** The console a kernel that agrees would print: the simulator's words with pfns moved by `shift`. */
function fakeConsole(l: Lowering, opts: { shift?: bigint; edit?: Edit; ret?: (w: number) => number; calls?: (w: number) => number;
  fail?: { line: number; errno: string } } = {}): string {
  const shift = opts.shift ?? 0x40000n;
  const lines = ['[    0.000000] Linux version 6.1.0', '@hmm ready release=6.1.0-57-amd64 features=probe', '@hmm begin t'];
  if (opts.fail) lines.push(`@hmm fail ${opts.fail.line} ${opts.fail.errno} mmap`, '@hmm end t failed');
  for (const w of l.walks) {
    if (!w.sim || opts.fail) continue;
    const words: bigint[] = []; const facts: number[] = [];
    for (const x of w.sim.pfns) {
      const pfn = x & PFN;
      const cls = simPfnClass(pfn, 512);
      const moved = (x & VALID) && pfn && cls !== 'zero' && cls !== 'huge-zero' ? x + shift : x;
      words.push(moved);
      facts.push(!(x & VALID) ? 0 : cls === 'zero' ? FACT.ZERO : cls === 'huge-zero' ? FACT.HUGE_ZERO : cls === 'dev0' ? FACT.DEV0 : cls === 'dev1' ? FACT.DEV1 : 0);
    }
    opts.edit?.(w.index, words, facts);
    lines.push(`@hmm walk ${w.index} ret=${opts.ret?.(w.index) ?? w.sim.ret} calls=${opts.calls?.(w.index) ?? w.sim.attempts} stale=0 pages=${words.length}`);
    // run-length encode like the executor (delta 0 or 1)
    for (let i = 0; i < words.length;) {
      let j = i + 1;
      const d = j < words.length && words[j] === words[i] + 1n ? 1n : 0n;
      while (j < words.length && words[j] === words[i] + d * BigInt(j - i) && facts[j] === facts[i]) j++;
      lines.push(`@hmm r ${i} ${j - i} ${words[i].toString(16).padStart(16, '0')} ${d} ${facts[i].toString(16).padStart(2, '0')}`);
      i = j;
    }
    lines.push(`@hmm endwalk ${w.index}`);
  }
  if (!opts.fail) lines.push('@hmm end t ok');
  lines.push('@hmm rmmod ok', '@hmm dmesg-begin', '[    1.0] hmm_probe: loaded', '@hmm dmesg-end', '@hmm done');
  return lines.join('\r\n') + '\r\n';
}

function judge(l: Lowering, consoleText: string) {
  const report = readConsole(consoleText);
  return judgeScenario(l, report.programs.get('t'), programText('t', l.ops).lineOp);
}

// a THP over the first 512 pages, a zero page at 600, then a write there
const THP = '  - mmap: { name: a, pages: 1024, prot: rw }\n  - madvise: { at: a, pages: 512, advice: hugepage }\n'
  + '  - write: { at: a, pages: 512 }\n  - read: { at: a+600 }\n'
  + '  - walk: { name: w1, at: a, pages: 1024 }\n  - write: { at: a+600 }\n  - walk: { name: w2, at: a, pages: 1024 }\n';

test('judge: a kernel whose words differ from the simulator\'s only by pfn numbers agrees', () => {
  const l = lower(THP);
  const v = judge(l, fakeConsole(l));
  assert.deepEqual(v.walks.map((w) => w.status), ['agree', 'agree']);
  assert.equal(summaryLine(tally([v])), '2 walks · 2 agree · 0 disagree · 0 not expressible');
});

test('console: run-length runs, CRLF, interleaved kernel lines, malformed lines and the kernel log', () => {
  const r = readConsole('@hmm begin p\r\n@hmm walk 0 ret=-14 calls=2 stale=1 pages=4\r\n[ 3.1] random kernel line\r\n'
    + '@hmm r 0 3 c000000000001000 1 00\r\n@hmm r 3 1 2000000000000000 0 00\r\n@hmm endwalk 0\r\n@hmm r x\r\n@hmm end p ok\r\n'
    + '@hmm check zero_pages ok\r\n@hmm check huge FAIL expected=-22 got=0\r\n@hmm checks done\r\n'
    + '@hmm dmesg-begin\r\n[ 5.0] WARNING: CPU: 0 PID: 1 at mm/hmm.c:1 x\r\n[ 5.1] ok line\r\n@hmm dmesg-end\r\n@hmm done\r\n');
  const w = r.programs.get('p')!.walks.get(0)!;
  assert.deepEqual([...w.words], [0xc000000000001000n, 0xc000000000001001n, 0xc000000000001002n, 0x2000000000000000n]);
  assert.equal(w.complete, true);
  assert.equal(w.stale, true);
  assert.equal(w.ret, -14);
  assert.deepEqual(r.malformed, ['@hmm r x']);
  assert.deepEqual(r.checks.map((c) => c.ok), [true, false]);
  assert.deepEqual(kernelProblems(r.dmesg!), ['[ 5.0] WARNING: CPU: 0 PID: 1 at mm/hmm.c:1 x']);
  assert.ok(r.tail.includes('[ 3.1] random kernel line'));
  assert.equal(r.done, true);
});

test('judge: a flag that differs is a disagreement naming the page, both words decoded', () => {
  const l = lower(THP);
  const v = judge(l, fakeConsole(l, { edit: (w, words) => { if (w === 1) words[600] &= ~WRITE; } }));
  assert.equal(v.walks[0].status, 'agree');
  const d = v.walks[1];
  assert.equal(d.status, 'disagree');
  assert.equal(d.differing, 1);
  assert.equal(d.pages![0].index, 600);
  assert.equal(d.pages![0].address, 0x7f0000000000n + 600n * 4096n);
  assert.equal(d.pages![0].why, 'the flags differ');
  assert.match(d.pages![0].simDecoded, /^VALID WRITE pfn=0x[0-9a-f]+ \[layout v5\.10\]$/);
  assert.match(d.pages![0].kernelDecoded, /^VALID pfn=/);
  const text = verdictText(v).join('\n');
  assert.match(text, /DISAGREE +walk "w2" \(line 11\)/);
  assert.equal(verdictText(v)[1], '  agree             walk "w1" (line 9)');
  assert.match(text, /page 600 at 0x7f0000258000: the flags differ/);
  const json = verdictsToJson([v]) as { summary: { line: string }; files: { walks: { kernel: { pfns?: string[] } }[] }[] };
  assert.equal(json.summary.line, '2 walks · 1 agree · 1 disagree · 0 not expressible');
  assert.equal(json.files[0].walks[1].kernel.pfns, undefined, 'words only with --words');
  const withWords = verdictsToJson([v], true) as { files: { walks: { kernel: { pfns: string[] }; simulator: { pfns: string[] } }[] }[] };
  assert.equal(withWords.files[0].walks[1].kernel.pfns.length, 1024);
  assert.match(withWords.files[0].walks[1].simulator.pfns[0], /^0x[0-9a-f]{16}$/);
});

test('judge: the return code and the number of calls must be exact', () => {
  const l = lower(THP);
  const v = judge(l, fakeConsole(l, { ret: (w) => (w === 0 ? -14 : 0), calls: (w) => (w === 1 ? 2 : 1) }));
  assert.deepEqual(v.walks[0].outcome, ['return code: simulator 0, kernel -14']);
  assert.deepEqual(v.walks[1].outcome, ['hmm_range_fault() calls: simulator 1, kernel 2']);
});

test('judge: pfns inside an order-9 block must be consecutive and aligned', () => {
  const l = lower(THP);
  const v = judge(l, fakeConsole(l, { shift: 0x40001n }));
  assert.equal(v.walks[0].status, 'disagree');
  assert.equal(v.walks[0].differing, 512);
  assert.match(v.walks[0].pages![0].why, /inside an order-9 block the kernel's pfn is not at the page's offset/);
});

test('judge: the zero page and ordinary pages are told apart', () => {
  const l = lower(THP);
  // the kernel says page 600 of walk 1 is an ordinary page where the simulator has the zero page
  const v = judge(l, fakeConsole(l, { edit: (w, words, facts) => { if (w === 0) { words[600] += 0x77777n; facts[600] = 0; } } }));
  assert.match(v.walks[0].pages![0].why, /the simulator shows the shared zero page, the kernel an ordinary page/);
});

test('judge: page identity across walks: the same page twice, and a copy-on-write the kernel did not make', () => {
  const body = '  - mmap: { name: a, pages: 2, prot: rw }\n  - write: { at: a, pages: 2 }\n  - walk: { name: w1, at: a, pages: 2 }\n'
    + '  - fork: {}\n  - write: { at: a }\n  - walk: { name: w2, at: a, pages: 2 }\n';
  const l = lower(body);
  assert.deepEqual(judge(l, fakeConsole(l)).walks.map((w) => w.status), ['agree', 'agree']);
  // the kernel shows page 1 as a different page in walk 2 although nothing happened to it
  const moved = judge(l, fakeConsole(l, { edit: (w, words) => { if (w === 1) words[1] += 0x1000n; } }));
  assert.match(moved.walks[1].pages![0].why, /the simulator shows the page it showed at walk 1 page 1; the kernel shows a different page there/);
  // page 0 after the COW: the kernel still shows the old page
  const noCow = judge(l, fakeConsole(l, { edit: (w, words) => { if (w === 1) words[0] = words[0] - (words[0] & PFN) + 0x40000n + 0x10000n; } }));
  assert.equal(noCow.walks[1].status, 'disagree');
  assert.match(noCow.walks[1].pages![0].why, /the kernel still shows the page it showed at walk 1 page 0 .* where the simulator has a new page/);
});

test('judge: a step the kernel refused makes the walks after it disagree, naming the step', () => {
  const l = lower(THP);
  const v = judge(l, fakeConsole(l, { fail: { line: 2, errno: 'EEXIST' } }));
  assert.deepEqual(v.walks.map((w) => w.status), ['disagree', 'disagree']);
  assert.match(v.walks[0].reason!, /^the kernel refused `mmap 0x7f0000000000 1024 rw private anon` \(the mmap at line 5\): EEXIST mmap; the simulator accepts it$/);
});

test('judge: no output, or output cut short, is a disagreement, never an agreement', () => {
  const l = lower(THP);
  assert.match(judge(l, '').walks[0].reason!, /the executor printed nothing for this scenario/);
  const cut = fakeConsole(l).split('\r\n').filter((x) => !x.startsWith('@hmm r 512') && !x.startsWith('@hmm end ')).join('\r\n');
  const v = judge(l, cut);
  assert.ok(v.walks.every((w) => w.status === 'disagree'));
});

test('judge: devpriv: device-private pages of each device are told apart', () => {
  const l = lower('  - mmap: { name: a, pages: 2, prot: rw }\n  - write: { at: a, pages: 2 }\n'
    + '  - migrate: { at: a, pages: 1, to: gpu0 }\n  - migrate: { at: a+1, pages: 1, to: gpu1 }\n'
    + '  - walk: { device: gpu0, at: a, pages: 2 }\n', 'devpriv-6.1');
  assert.equal(judge(l, fakeConsole(l)).walks[0].status, 'agree');
  const v = judge(l, fakeConsole(l, { edit: (_w, _words, facts) => { facts[0] = FACT.DEV1; } }));
  assert.match(v.walks[0].pages![0].why, /simulator shows a device-private page of device 0, the kernel a device-private page of device 1/);
});
