/**
 * Conformance suite: every test/conformance/**\/*.hmm.yaml scenario (ports of the kernel's HMM selftests and
 * version-pinning cases, see docs/conformance.md) and every examples/**\/*.hmm.yaml file is parsed and run
 * through the core, one node:test test per walk. A walk fails with its decoded mismatches.
 *
 * The expectations in those files are what the kernel returns (reasoned from mm/hmm.c, lib/test_hmm.c and
 * tools/testing/selftests/mm/hmm-tests.c), never what the simulator happens to output.
 *
 * Run: node --import tsx --test test/conformance/conformance.test.ts
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenarioText } from '../../src/core/index';
import { parseScenario } from '../../src/core/scenario/parse';
import { formatDiagnostic } from '../../src/core/scenario/ast';
import type { ScenarioDiagnostic, WalkStep } from '../../src/core/scenario/ast';
import type { WalkResult } from '../../src/core/scenario/result';

const here = typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const conformanceDir = here;
const examplesDir = join(repoRoot, 'examples');
const conformanceDoc = join(repoRoot, 'docs', 'conformance.md');

/** All `*.hmm.yaml` files below `dir`, sorted, as absolute paths. */
function scenarioFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...scenarioFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.hmm.yaml')) out.push(p);
  }
  return out.sort();
}

/** Repository-relative path with forward slashes: how files are named in messages and docs. */
function repoPath(abs: string): string {
  return relative(repoRoot, abs).split(sep).join('/');
}

const ERRNO_NAMES: Record<number, string> = { 0: '0', [-1]: '-EPERM', [-12]: '-ENOMEM', [-14]: '-EFAULT',
  [-16]: '-EBUSY', [-22]: '-EINVAL', [-4]: '-EINTR', [-11]: '-EAGAIN' };
function errnoName(ret: number): string {
  return ERRNO_NAMES[ret] ?? String(ret);
}

function errors(diags: readonly ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  return diags.filter((d) => d.severity === 'error');
}

/** The failure text of one walk: ret mismatch and every pfn mismatch, decoded. Empty when the walk holds. */
function describeWalkFailure(file: string, walk: WalkResult, step: WalkStep | undefined): string {
  const lines: string[] = [];
  const where = `${file}:${walk.pos.line}:${walk.pos.col}: walk "${walk.name}"`;
  if (!walk.expect) {
    return `${where}: the runner returned no expect result although the walk has an expect block`;
  }
  if (walk.expect.ok) return '';
  if (!walk.expect.retOk) {
    const expected = step?.expect?.ret;
    lines.push(`${where}: ret ${errnoName(walk.ret)} (after ${walk.attempts} hmm_range_fault call(s)), ` +
      `expected ${expected === undefined ? '(see file)' : errnoName(expected)}`);
  }
  const shown = walk.expect.mismatches.slice(0, 20);
  for (const m of shown) {
    lines.push(`${file}:${m.pos.line}:${m.pos.col}: ${m.message || `page ${m.index} at 0x${m.address.toString(16)}: ` +
      `expected ${m.expected}, got ${m.actual} (${m.actualDecoded})`}`);
  }
  if (walk.expect.mismatches.length > shown.length) {
    lines.push(`... and ${walk.expect.mismatches.length - shown.length} more mismatching pages`);
  }
  if (lines.length === 0) lines.push(`${where}: expectation failed (no mismatch details reported)`);
  return lines.join('\n');
}

/** Registers one test per walk of `abs` (or one failing test when the file does not parse or run). */
function registerScenario(abs: string): void {
  const file = repoPath(abs);
  const text = readFileSync(abs, 'utf8');
  describe(file, () => {
    let outcome: ReturnType<typeof runScenarioText>;
    let walkSteps: WalkStep[] = [];
    try {
      outcome = runScenarioText(text, file);
      const parsed = parseScenario(text, file);
      walkSteps = (parsed.scenario?.steps ?? []).filter((s): s is WalkStep => s.op === 'walk');
    } catch (e) {
      test('parses and runs', () => {
        assert.fail(`${file}: the core threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      });
      return;
    }
    const errs = [...errors(outcome.diagnostics), ...errors(outcome.result?.diagnostics ?? [])];
    if (!outcome.result || errs.length > 0) {
      test('parses and runs', () => {
        assert.fail(errs.length > 0 ? errs.map(formatDiagnostic).join('\n') : `${file}: no result and no diagnostic`);
      });
      return;
    }
    const result = outcome.result;
    test('every walk has an expect block and a result', () => {
      assert.ok(walkSteps.length > 0, `${file}: no walk step`);
      for (const w of walkSteps) {
        assert.ok(w.expect, `${file}:${w.pos.line}: walk "${w.name}" has no expect block`);
      }
      assert.equal(result.walks.length, walkSteps.length,
        `${file}: ${walkSteps.length} walk steps but ${result.walks.length} walk results`);
    });
    for (const walk of result.walks) {
      const step = walkSteps.find((s) => s.pos.line === walk.pos.line);
      test(`${walk.name} (line ${walk.pos.line})`, () => {
        const failure = describeWalkFailure(file, walk, step);
        if (failure) assert.fail(failure);
      });
    }
  });
}

const conformanceFiles = scenarioFiles(conformanceDir);
const exampleFiles = scenarioFiles(examplesDir);

describe('conformance suite layout', () => {
  test('there are selftest ports and version cases', () => {
    const ports = conformanceFiles.filter((f) => repoPath(f).includes('/selftests/'));
    const versions = conformanceFiles.filter((f) => repoPath(f).includes('/versions/'));
    assert.ok(ports.length >= 20, `only ${ports.length} selftest ports`);
    assert.ok(versions.length >= 20, `only ${versions.length} version cases`);
  });

  test('every conformance file names its source and pins a kernel', () => {
    const problems: string[] = [];
    for (const abs of conformanceFiles) {
      const file = repoPath(abs);
      const text = readFileSync(abs, 'utf8');
      if (!/^# (ports|derived): .*\S/m.test(text)) problems.push(`${file}: no "# ports:" or "# derived:" header line`);
      const pins = /^# pins: (v\d+\.\d+)\b/m.exec(text);
      const kernel = /^kernel: (\S+)\s*$/m.exec(text);
      if (!kernel) problems.push(`${file}: no top-level kernel: key`);
      else if (kernel[1] === 'latest') problems.push(`${file}: kernel: latest does not pin a version`);
      if (!pins) problems.push(`${file}: no "# pins: vX.Y" header line`);
      else if (kernel && pins[1] !== kernel[1]) problems.push(`${file}: "# pins: ${pins[1]}" but kernel: ${kernel[1]}`);
    }
    assert.deepEqual(problems, []);
  });

  test('docs/conformance.md lists every conformance file', () => {
    assert.ok(existsSync(conformanceDoc), 'docs/conformance.md is missing');
    const doc = readFileSync(conformanceDoc, 'utf8');
    const missing = conformanceFiles.map((f) => relative(conformanceDir, f).split(sep).join('/'))
      .filter((rel) => !doc.includes(rel));
    assert.deepEqual(missing, []);
  });

  test('there are at least 6 example files', () => {
    assert.ok(exampleFiles.length >= 6, `only ${exampleFiles.length} examples`);
  });
});

describe('selftest ports and version cases', () => {
  for (const f of conformanceFiles) registerScenario(f);
});

describe('examples', () => {
  for (const f of exampleFiles) registerScenario(f);
});
