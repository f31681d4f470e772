/**
 * docs/scenario-reference.md "Behaviour changes by release" stays derived from src/core/behaviour.ts: every switch
 * is listed, and each row's release is where that switch really changes (a "≤ vX.Y" row: the switch differs between
 * X.Y and the next release; a "vX.Y" row: between the release before and X.Y). It once said ≤ v5.6 for the clearing
 * on error (really ≤ v5.4) and "computed from the fault cursor" for the ≤ v5.7 count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { behaviourFor, type Behaviour } from '../../src/core/behaviour';
import { isKernelError, LATEST_RELEASE, OLDEST_RELEASE, parseKernelId } from '../../src/core/kernel-id';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'scenario-reference.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Behaviour changes by release'));
const rows = section.split('\n').filter((l) => /^\| (≤ |≈ )?v\d/.test(l)).map((l) => l.split('|').map((c) => c.trim()));

/** Every release id from OLDEST to LATEST (4.17 … 4.20, 5.0 … 5.19, 6.0 …). */
const RELEASES: [number, number][] = [];
for (let M: number = OLDEST_RELEASE.major; M <= LATEST_RELEASE.major; M++) {
  const last = M === LATEST_RELEASE.major ? LATEST_RELEASE.minor : M === 4 ? 20 : 19;
  for (let m = M === OLDEST_RELEASE.major ? OLDEST_RELEASE.minor : 0; m <= last; m++) RELEASES.push([M, m]);
}

function at(major: number, minor: number): Behaviour {
  const k = parseKernelId(`v${major}.${minor}`);
  assert.ok(!isKernelError(k), `v${major}.${minor}`);
  return behaviourFor(k);
}

function valueOf(b: Behaviour, key: string): string {
  const v = (b as unknown as Record<string, unknown>)[key];
  return v instanceof Set ? JSON.stringify([...v].sort()) : JSON.stringify(v);
}

const SWITCHES = Object.keys(at(6, 19)).filter((k) => k !== 'kernel' && k !== 'proposal');

test('the table lists every behaviour switch', () => {
  const listed = new Set(rows.flatMap((r) => [...r[2].matchAll(/`(\w+)`/g)].map((m) => m[1])));
  for (const k of SWITCHES) assert.ok(listed.has(k), `switch ${k} is missing from the reference table`);
  for (const k of listed) assert.ok(SWITCHES.includes(k), `the table names ${k}, which is no switch of behaviour.ts`);
});

test('each row names the release where its switches change', () => {
  assert.ok(rows.length >= 20, `found ${rows.length} rows`);
  for (const r of rows) {
    const m = /^(≤ |≈ )?v(\d+)\.(\d+)$/.exec(r[1]);
    assert.ok(m, `release cell "${r[1]}"`);
    const i = RELEASES.findIndex(([M, n]) => M === Number(m[2]) && n === Number(m[3]));
    assert.ok(i > 0 && i < RELEASES.length, `release ${r[1]} is not a modelled release`);
    // "≤ vX.Y": changes between X.Y and the next release; "vX.Y" / "≈ vX.Y": between the previous release and X.Y
    const [before, after] = m[1] === '≤ ' ? [RELEASES[i], RELEASES[i + 1]] : [RELEASES[i - 1], RELEASES[i]];
    for (const [, key] of r[2].matchAll(/`(\w+)`/g)) {
      assert.notEqual(valueOf(at(...before), key), valueOf(at(...after), key),
        `${key} does not change between v${before.join('.')} and v${after.join('.')} (row "${r[1]}")`);
    }
  }
});

test('the rows the fidelity review corrected: clearing on error ≤ v5.4, the ≤ v5.7 count from `last`', () => {
  const clear = rows.find((r) => r[2].includes('clearsOnError'));
  assert.equal(clear?.[1], '≤ v5.4');
  assert.match(clear?.[3] ?? '', /make full use of walk_page_range\(\)/);
  const count = rows.find((r) => r[2].includes('returnsPageCount'));
  assert.equal(count?.[1], '≤ v5.7');
  assert.match(count?.[3] ?? '', /\(last - start\) >> PAGE_SHIFT/);
  assert.doesNotMatch(section, /fault cursor/);
  assert.match(section, /\]\(kernel-behaviour\.md#release-switches\)/);
  assert.match(section, /\]\(layouts\.md\)/);
});
