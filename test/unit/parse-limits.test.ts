/**
 * The walk-size limit: the parser (limits.maxWalkPages) and the runner (RunOptions.maxPages) must reject the same
 * walks when both get the value maxWalkPagesFrom() makes of a hmm.maxPages setting / --max-pages value, and their
 * defaults agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { DEFAULT_MAX_PAGES, runScenario } from '../../src/core/scenario/run';
import { DEFAULT_LIMITS, maxWalkPagesFrom, withLimits } from '../../src/core/scenario/limits';

const walkOf = (pages: number) => `hmm: 1\nsteps:\n  - mmap: { name: b, pages: 64, prot: rw }\n  - walk: { at: b, pages: ${pages} }\n`;

test('the parser\'s and the runner\'s default walk limits are the same number', () => {
  assert.equal(DEFAULT_LIMITS.maxWalkPages, DEFAULT_MAX_PAGES);
  assert.equal(maxWalkPagesFrom(undefined), DEFAULT_MAX_PAGES);
});

test('withLimits: fractional overrides round down; 0, negative, NaN, Infinity and non-numbers keep the default', () => {
  assert.equal(withLimits({ maxWalkPages: 3.7 }).maxWalkPages, 3);
  assert.equal(withLimits({ maxWalkPages: 1 }).maxWalkPages, 1);
  for (const v of [0, -5, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '8' as unknown as number]) {
    assert.equal(withLimits({ maxWalkPages: v }).maxWalkPages, DEFAULT_LIMITS.maxWalkPages, String(v));
  }
  assert.equal(withLimits({ maxWalkPages: 2 ** 60 }).maxWalkPages, Number.MAX_SAFE_INTEGER);
});

test('with the same maxWalkPagesFrom(setting), parser and runner accept and reject the same walks', () => {
  for (const setting of [1, 2, 3.7, 8, 16, 0, -1, Number.NaN, 63.999]) {
    const max = maxWalkPagesFrom(setting);
    for (const pages of [1, 2, 3, 4, 8, 9, 16, 17, 63, 64]) {
      const p = parseScenario(walkOf(pages), 'm.hmm.yaml', { limits: { maxWalkPages: setting } });
      const parsed = p.scenario !== undefined;
      assert.equal(parsed, pages <= max, `setting ${setting}: walk of ${pages} pages ${parsed ? 'accepted' : 'rejected'} by the parser`);
      if (!parsed) {
        assert.match(p.diagnostics[0].message, new RegExp(`^a walk of ${pages} pages exceeds the limit of ${max} pages per walk; raise it with the hmm\\.maxPages setting`));
        continue;
      }
      const r = runScenario(p.scenario, { maxPages: max });
      assert.deepEqual(r.diagnostics.map((d) => d.message), [], `setting ${setting}: the runner rejected a ${pages}-page walk the parser accepted`);
      assert.equal(r.walks.length, 1);
    }
  }
});
