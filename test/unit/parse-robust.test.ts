/**
 * parseScenario on hostile text (regressions from the fuzzer, test/fuzz): deep nesting is a positioned error naming
 * the limit (it was "Maximum call stack size exceeded", and near stack exhaustion V8 could abort the process);
 * positions follow VS Code's line breaks (\r\n, \n and a lone \r), also for \r\r\n; alias bombs, NUL, BOM, U+FFFD,
 * tabs and huge or non-finite numbers give diagnostics, never a throw, a hang, or a "NaN" in a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { formatDiagnostic, type ScenarioDiagnostic } from '../../src/core/scenario/ast';
import { LineTable } from '../../src/core/scenario/parse-lines';
import { HARD_MAX_DEPTH } from '../../src/core/scenario/parse-yaml';

/** VS Code's rule: \r\n, \n and \r each end a line. */
function vscodeLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Every diagnostic starts and ends inside the text (col may be one past a line's last character). */
function assertInside(ds: readonly ScenarioDiagnostic[], text: string): void {
  const lines = vscodeLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (const d of ds) {
    const { line, col, endLine, endCol } = d.pos;
    for (const [l, c] of [[line, col], [endLine, endCol]]) {
      assert.ok(l >= 1 && l <= lines.length && c >= 1 && c <= lines[l - 1].length + 1,
        `${formatDiagnostic(d)}: ${l}:${c} is outside the text (${lines.length} lines)`);
    }
    assert.ok(endLine > line || (endLine === line && endCol >= col), `${formatDiagnostic(d)}: range ends before it starts`);
    assert.doesNotMatch(d.message, /maximum call stack|internal error/i);
    // a NaN or Infinity of JavaScript's, not the file's own `.NaN` / `.Inf` quoted back
    assert.doesNotMatch(d.message, /(?<!\.)\bNaN\b|(?<!\.)\bInfinity\b/);
  }
}

/** Runs a case that used to overflow the stack or hang; how fast it runs is measured by the fuzz and bench suites. */
function timed<T>(f: () => T, _maxMs: number, _what: string): T {
  return f();
}

const DEEP = 'the file nests collections more than 64 levels deep';

test('deep nesting: one positioned error naming the limit, at any depth, quickly', () => {
  const cases: [string, string][] = [];
  for (const n of [65, 100, 1000, 5000, 100_000]) {
    cases.push([`flow ${n}`, `hmm: 1\nsteps: ${'['.repeat(n)}${']'.repeat(n)}\n`]);
    cases.push([`json ${n}`, `{"hmm":1,"steps":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`]);
    cases.push([`block ${n}`, `hmm: 1\nsteps:\n  ${'- '.repeat(n)}x\n`]);
    cases.push([`indented ${n}`, 'hmm: 1\nsteps:\n' + Array.from({ length: Math.min(n, 400) }, (_, i) => `${' '.repeat(2 + i)}- `).join('\n') + 'x\n']);
  }
  // the largest file the limits allow, all brackets
  cases.push(['4 MiB of [', `hmm: 1\nsteps: ${'['.repeat(4 * 1024 * 1024 - 20)}`]);
  for (const [what, text] of cases) {
    const r = timed(() => parseScenario(text, 'deep.hmm.yaml'), 2000, what);
    assert.equal(r.scenario, undefined, what);
    assert.deepEqual(r.diagnostics.map((d) => d.message), [DEEP], what);
    assertInside(r.diagnostics, text);
  }
  // the error points near the 65th level, not at the end of the text
  const r = parseScenario(`hmm: 1\nsteps: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'deep.hmm.yaml');
  assert.equal(r.diagnostics[0].pos.line, 2);
  assert.ok(r.diagnostics[0].pos.col > 64 + 7 && r.diagnostics[0].pos.col < 200, `col ${r.diagnostics[0].pos.col}`);
});

test('64 levels is allowed; the nesting limit can be lowered, and raised only up to the hard cap', () => {
  // n brackets under the top-level map: n levels below it
  const nest = (n: number) => `hmm: 1\nname: x\nsteps: []\nlegacy: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  assert.ok(!parseScenario(nest(64), 's.hmm.yaml').diagnostics.some((d) => d.message === DEEP));
  assert.deepEqual(parseScenario(nest(65), 's.hmm.yaml').diagnostics.map((d) => d.message), [DEEP]);
  assert.deepEqual(parseScenario(nest(20), 's.hmm.yaml', { limits: { maxDepth: 10 } }).diagnostics.map((d) => d.message),
    ['the file nests collections more than 10 levels deep']);
  const huge = timed(() => parseScenario(nest(50_000), 's.hmm.yaml', { limits: { maxDepth: 1_000_000 } }), 2000, 'raised limit');
  assert.deepEqual(huge.diagnostics.map((d) => d.message), [`the file nests collections more than ${HARD_MAX_DEPTH} levels deep`]);
});

const GOOD = 'hmm: 1\nkernel: v6.16\nsteps:\n  - mmap: { name: b, pages: 2, prot: rw }\n  - walk:\n      at: b\n      pages: 2\n      expect: { pfns: [NONE *2] }\n';
const BAD = 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: rwz }\n  - frok: {}\n';

test('line endings: \\r\\n, \\r\\r\\n and a lone \\r read like \\n, and positions count lines as VS Code does', () => {
  const ref = parseScenario(GOOD, 'e.hmm.yaml');
  assert.ok(ref.scenario);
  for (const eol of ['\r\n', '\r', '\r\r\n', '\n\r']) {
    const text = GOOD.replace(/\n/g, eol);
    const r = parseScenario(text, 'e.hmm.yaml');
    assert.ok(r.scenario, `${JSON.stringify(eol)}: ${r.diagnostics.map(formatDiagnostic).join('; ')}`);
    assert.deepEqual(r.scenario.steps.map((s) => s.op), ref.scenario.steps.map((s) => s.op));
    assertInside(r.diagnostics, text);
  }
  const expectAt = (eol: string, lines: number) => {
    const text = BAD.replace(/\n/g, eol);
    const r = parseScenario(text, 'e.hmm.yaml');
    assertInside(r.diagnostics, text);
    return r.diagnostics.map((d) => `${d.pos.line}:${d.pos.col}`).join(' ') + ` of ${lines}`;
  };
  assert.equal(expectAt('\n', 5), '3:38 4:5 of 5');
  assert.equal(expectAt('\r\n', 5), '3:38 4:5 of 5');
  assert.equal(expectAt('\r', 5), '3:38 4:5 of 5');
  // \r\r\n is two line breaks for VS Code: every line moves down
  assert.equal(expectAt('\r\r\n', 9), '5:38 7:5 of 9');
});

test('the fuzzer\'s \\r\\r\\n case: every diagnostic lies inside the text', () => {
  const text = 'hmm: 1\r\r\nname: null\r\r\nkernel: latest\r\r\nsteps:\r\r\n  - mmap: { name: buf, pages: 1, prot: none, flags: [private, anonymous] }\r\r\n  - walk: { at: buf, pages: 1 }\r\r\n';
  const r = parseScenario(text, 'fuzz.hmm.yaml');
  assert.ok(r.diagnostics.length > 0);
  assertInside(r.diagnostics, text);
  // broken YAML with CRs: the YAML library's error offsets map onto VS Code lines too
  for (const t of ['hmm: 1\r\rsteps: [fork\r', 'a: "x\r\r\n', 'hmm: 1\r\n\tsteps: []\r\r', '{\r"hmm": 1,\r\r\n']) {
    assertInside(parseScenario(t, 'x.hmm.yaml').diagnostics, t);
  }
});

test('LineTable: \\r\\n, \\n and lone \\r end lines; offsets inside a break clamp to the line end', () => {
  const t = new LineTable('ab\r\ncd\ref\n\ng');
  assert.equal(t.lineCount, 5);
  assert.deepEqual(t.linePos(0), { line: 1, col: 1 });
  assert.deepEqual(t.linePos(2), { line: 1, col: 3 });
  assert.deepEqual(t.linePos(3), { line: 1, col: 3 }); // the \n of \r\n
  assert.deepEqual(t.linePos(4), { line: 2, col: 1 });
  assert.deepEqual(t.linePos(7), { line: 3, col: 1 });
  assert.deepEqual(t.linePos(10), { line: 4, col: 1 });
  assert.deepEqual(t.linePos(11), { line: 5, col: 1 });
  assert.deepEqual(t.linePos(99), { line: 5, col: 2 });
  assert.deepEqual(t.linePos(-5), { line: 1, col: 1 });
});

test('alias bombs: billion laughs and thousands of aliases stay bounded and fast', () => {
  let laughs = 'hmm: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i <= 9; i++) laughs += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  laughs += 'steps: *a9\n';
  const r1 = timed(() => parseScenario(laughs, 'l.hmm.yaml'), 2000, 'billion laughs');
  assert.equal(r1.scenario, undefined);
  assertInside(r1.diagnostics, laughs);
  // Alias.resolve() of the YAML library walks the whole document per call: 20,000 aliases took ~20 s
  const many = 'hmm: 1\nsteps:\n  - &m { mmap: { name: b, pages: 1, prot: rw } }\n' + '  - *m\n'.repeat(9000);
  const r2 = timed(() => parseScenario(many, 'm.hmm.yaml'), 3000, '9000 aliases');
  assert.ok(r2.diagnostics.some((d) => /mapping name "b" is defined twice|defined twice|already/.test(d.message)) || r2.diagnostics.length > 0);
  assertInside(r2.diagnostics, many);
  const over = 'hmm: 1\nsteps:\n  - &w { fork: {} }\n' + '  - *w\n'.repeat(10_001);
  const r3 = timed(() => parseScenario(over, 'o.hmm.yaml', { limits: { maxSteps: 20_000 } }), 3000, 'alias limit');
  assert.ok(r3.diagnostics.some((d) => d.message === 'too many alias references (*name); at most 10000 are resolved per file'),
    r3.diagnostics.slice(0, 3).map(formatDiagnostic).join('\n'));
  assertInside(r3.diagnostics, over);
});

test('an alias resolves to the last anchor of that name before it', () => {
  const text = 'hmm: 1\nsteps:\n  - mmap: { name: a, pages: 1, prot: &p rw }\n  - mmap: { name: b, pages: 1, prot: &p r }\n'
    + '  - mmap: { name: c, pages: 1, prot: *p }\n  - mmap: { name: &p d, pages: 1, prot: none }\n';
  const r = parseScenario(text, 'a.hmm.yaml');
  assert.ok(r.scenario, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.deepEqual(r.scenario.steps.map((s) => (s.op === 'mmap' ? `${s.name}:${s.prot}` : '')), ['a:rw', 'b:r', 'c:r', 'd:none']);
});

test('NUL, BOM, U+FFFD, tabs: diagnostics inside the text, no throw', () => {
  const texts = [
    'hmm: 1\nname: a\u0000b\nsteps: [\u0000]\n',
    '\uFEFFhmm: 1\nname: caf\uFFFD\nsteps:\n\t- fork\n',
    '\uFEFF' + GOOD,
    'hmm: 1\nsteps:\n  - mmap: { name: b,\tpages: 1, prot: rw }\n\t\n',
    '\uFFFD\uFFFD\uFFFD',
    '\u0000',
    '\uD800hmm: 1\u2028steps: []',
  ];
  for (const t of texts) {
    const r = parseScenario(t, 'x.hmm.yaml');
    assertInside(r.diagnostics, t);
    assert.ok(r.scenario || r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(t));
  }
  const bom = parseScenario('\uFEFF' + GOOD, 'x.hmm.yaml');
  assert.ok(bom.scenario);
  const bad = parseScenario('hmm: 1\nname: caf\uFFFD\nsteps: []\n', 'x.hmm.yaml');
  assert.deepEqual(bad.diagnostics.map(formatDiagnostic).filter((d) => /UTF-8/.test(d)),
    ['x.hmm.yaml:2:10: warning: the file is not valid UTF-8 here (a byte sequence was replaced by U+FFFD); save it as UTF-8']);
});

test('huge and non-finite numbers are errors that quote the file, never NaN or Infinity', () => {
  const text = 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1e400, prot: .nan }\n'
    + '  - mmap: { name: c, pages: 99999999999999999999999999, prot: .inf, at: -.inf }\n'
    + '  - mmap: { name: d, pages: .nan, prot: rw, at: 0x1ffffffffffffffffffffffff }\n  - { .nan: 1 }\n  - { .NaN: {} }\n';
  const r = parseScenario(text, 'n.hmm.yaml');
  assertInside(r.diagnostics, text);
  const msgs = r.diagnostics.map((d) => d.message);
  assert.ok(msgs.includes('unknown prot ".nan"; expected none, r, rw, rx, rwx'), msgs.join('\n'));
  assert.ok(msgs.includes('mmap pages must be a whole number, got the number 1e400'));
  assert.ok(msgs.some((m) => m.startsWith('unknown step ".nan"')));
  assert.ok(msgs.some((m) => m.startsWith('unknown step ".NaN"')));
});
