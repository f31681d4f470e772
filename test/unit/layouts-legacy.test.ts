/**
 * Legacy (4.17–5.7) driver-defined encoding: built-in profiles, custom tables, decode order of whole-word values.
 * Tables follow the drivers' hmm_range_flags/values arrays; the rules follow include/linux/hmm.h 4.17–5.7
 * (hmm_device_entry_to_page(): NONE, ERROR, SPECIAL compared first, then flags[VALID]; pfn = entry >> pfn_shift).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodePfn, encodePfn, formatDecoded, getLayout, layoutForKernel, resolveLayout, parseFlagNames, flagNamesForInput,
  legacyValueNames, findFlag,
} from '../../src/core/layouts/index';
import type { LegacyProfileSpec } from '../../src/core/scenario/ast';

const pos = { line: 3, col: 1, endLine: 3, endCol: 9 };

test('amdgpu (amdgpu_mn.c/amdgpu_ttm.c): VALID 1<<0, WRITE 1<<1, ERROR ~1, NONE 0, SPECIAL ~3, pfn_shift 12', () => {
  const l = layoutForKernel('v5.6', 'amdgpu');
  assert.equal(l.id, 'legacy:amdgpu');
  assert.equal(l.era, 'legacy');
  assert.equal(l.pfnShift, 12);
  assert.equal(findFlag(l, 'VALID')!.mask, 1n);
  assert.equal(findFlag(l, 'WRITE')!.mask, 2n);
  // amdgpu's flags[HMM_PFN_DEVICE_PRIVATE] is 0: no bit, so no flag
  assert.equal(findFlag(l, 'DEVICE_PRIVATE'), undefined);
  assert.deepEqual(l.values, { ERROR: 0xfffffffffffffffen, NONE: 0n, SPECIAL: 0xfffffffffffffffcn });
  assert.equal(l.pfnMask, 0x000fffffffffffffn);
  assert.equal(l.profile?.source, 'builtin');
});

test('amdgpu writable pfn 0x1234 → 0x1234003, and back', () => {
  const l = layoutForKernel('v5.6', 'amdgpu');
  assert.equal(encodePfn({ flags: ['VALID', 'WRITE'], pfn: 0x1234n }, l), 0x1234003n);
  const d = decodePfn(0x1234003n, l);
  assert.deepEqual(d.flags, ['VALID', 'WRITE']);
  assert.equal(d.pfn, 0x1234n);
  assert.equal(d.value, undefined);
  assert.equal(d.physAddr, 0x1234000n);
  assert.deepEqual(d.problems, []);
  assert.equal(d.meaning, 'valid, writable: the device may read and write pfn 0x1234');
  assert.equal(formatDecoded(d), 'VALID WRITE pfn=0x1234 [layout legacy:amdgpu]');
});

test('amdgpu whole-word values: 0 is NONE, ~1 ERROR, ~3 SPECIAL', () => {
  const l = getLayout('legacy:amdgpu')!;
  assert.equal(decodePfn(0n, l).value, 'NONE');
  assert.equal(decodePfn(0xfffffffffffffffen, l).value, 'ERROR');
  assert.equal(decodePfn(0xfffffffffffffffcn, l).value, 'SPECIAL');
  assert.equal(formatDecoded(decodePfn(0xfffffffffffffffcn, l)), 'SPECIAL [layout legacy:amdgpu]');
  assert.match(decodePfn(0xfffffffffffffffcn, l).meaning, /special PTE/);
  assert.equal(encodePfn({ flags: [], pfn: 0n, value: 'SPECIAL' }, l), 0xfffffffffffffffcn);
  assert.deepEqual(legacyValueNames(l), ['ERROR', 'NONE', 'SPECIAL']);
});

test('nouveau (nouveau_svm.c, NVIF_VMM_PFNMAP_V0_*): V 0x1, W 0x2, VRAM 0x10 as DEVICE_PRIVATE up to 5.6; ERROR = SPECIAL = ~V', () => {
  const l = layoutForKernel('v5.4', 'nouveau');
  assert.equal(l.id, 'legacy:nouveau');
  assert.equal(findFlag(l, 'DEVICE_PRIVATE')!.mask, 0x10n);
  assert.equal(encodePfn({ flags: ['VALID'], pfn: 0x1234n }, l), 0x1234001n);
  const ro = decodePfn(0x1234001n, l);
  assert.deepEqual(ro.flags, ['VALID']);
  assert.match(ro.meaning, /^valid but not writable: the device may read pfn 0x1234/);
  const vram = decodePfn(0x1234013n, l);
  assert.deepEqual(vram.flags, ['VALID', 'WRITE', 'DEVICE_PRIVATE']);
  assert.match(vram.meaning, /device-private/);
  // ERROR and SPECIAL alias (~V); ERROR is compared first, as hmm_device_entry_to_page() does
  const e = decodePfn(0xfffffffffffffffen, l);
  assert.equal(e.value, 'ERROR');
  assert.match(e.meaning, /SPECIAL has the same value/);
});

test('v5.7 removed HMM_PFN_DEVICE_PRIVATE: nouveau\'s 0x10 is no longer a flag there', () => {
  const l = layoutForKernel('v5.7', 'nouveau');
  assert.equal(l.id, 'legacy:nouveau@v5.7');
  assert.equal(findFlag(l, 'DEVICE_PRIVATE'), undefined);
  assert.equal(l.values?.SPECIAL, 0xfffffffffffffffen, 'SPECIAL still exists in 5.7');
  const d = decodePfn(0x1234013n, l);
  assert.deepEqual(d.flags, ['VALID', 'WRITE']);
  assert.match(d.problems[0], /bit 4 \(0x10\) below pfn_shift 12 .*no flag of the nouveau profile/);
  assert.deepEqual(flagNamesForInput(l), ['REQ_FAULT', 'REQ_WRITE']);
  const err = parseFlagNames(['DEVICE_PRIVATE'], l);
  assert.ok(typeof err === 'object' && /removed from enum hmm_pfn_flag_e in 5.7/.test(err.error));
});

test('test_hmm (pre-5.8 postings): DPT_VALID 1, DPT_WRITE 2, DPT_DPAGE 4, ERROR = SPECIAL = 0x10, NONE 0', () => {
  const l = layoutForKernel('v5.6', 'test_hmm');
  assert.equal(findFlag(l, 'DEVICE_PRIVATE')!.mask, 4n);
  assert.equal(decodePfn(0x10n, l).value, 'ERROR');
  assert.equal(decodePfn(0n, l).value, 'NONE');
  assert.equal(encodePfn({ flags: ['VALID', 'WRITE', 'DEVICE_PRIVATE'], pfn: 0x77n }, l), 0x77007n);
});

test('legacy input flags: REQ_FAULT/REQ_WRITE are flags[VALID]/flags[WRITE]; DEVICE_PRIVATE request up to 5.6 only', () => {
  const n = getLayout('legacy:nouveau')!;
  assert.deepEqual(flagNamesForInput(n), ['REQ_FAULT', 'REQ_WRITE', 'REQ_DEVICE_PRIVATE']);
  assert.equal(parseFlagNames(['REQ_FAULT', 'REQ_WRITE'], n), 3n);
  assert.equal(parseFlagNames(['REQ_FAULT', 'DEVICE_PRIVATE'], n), 0x11n);
  const a = getLayout('legacy:amdgpu')!;
  const err = parseFlagNames(['REQ_DEVICE_PRIVATE'], a);
  assert.ok(typeof err === 'object' && /amdgpu has flags\[HMM_PFN_DEVICE_PRIVATE\] = 0/.test(err.error));
});

test('a legacy kernel without a profile uses amdgpu and says so', () => {
  const l = layoutForKernel('v5.2');
  assert.equal(l.profile?.source, 'default');
  assert.equal(l.profile?.name, 'amdgpu');
  assert.match(l.title, /default profile: no legacy profile given/);
  assert.equal(formatDecoded(decodePfn(0x1234003n, l)),
    'VALID WRITE pfn=0x1234 [layout legacy:amdgpu, default amdgpu profile: no legacy profile given]');
});

test('legacy problems: VALID clear (never written by HMM), stray low bits, WRITE without VALID', () => {
  const l = getLayout('legacy:amdgpu')!;
  const noValid = decodePfn(0x1234000n, l);
  assert.match(noValid.problems.join('\n'), /flags\[VALID\] clear and not a special value/);
  const stray = decodePfn(0x1234009n, l);
  assert.match(stray.problems[0], /bit 3 \(0x8\) below pfn_shift 12/);
  const wOnly = decodePfn(0x2n, l);
  assert.equal(wOnly.meaning, 'WRITE without VALID: a write request without a fault request, not an output');
});

test('custom profiles: tables from the scenario, checked like the header asks', () => {
  const spec: LegacyProfileSpec = {
    flags: { VALID: 1n << 1n, WRITE: 1n << 2n }, values: { ERROR: 0x8n, NONE: 0n, SPECIAL: 0x8n }, pfnShift: 6, pos,
  };
  const r = resolveLayout('v5.3', spec);
  assert.deepEqual(r.problems, []);
  const l = r.layout!;
  assert.match(l.id, /^legacy:custom-[0-9a-f]{8}$/);
  assert.equal(resolveLayout('v5.3', spec).layout!.id, l.id, 'same table, same id');
  assert.notEqual(resolveLayout('v5.3', { ...spec, pfnShift: 7 }).layout!.id, l.id, 'other table, other id');
  assert.equal(l.profile?.source, 'custom');
  assert.equal(encodePfn({ flags: ['VALID', 'WRITE'], pfn: 0x10n }, l), (0x10n << 6n) | 6n);
  assert.equal(decodePfn(0x8n, l).value, 'ERROR');

  const bad = resolveLayout('v5.3', { flags: { VALID: 0n, WRITE: 2n }, values: { ERROR: 0n, NONE: 0n }, pfnShift: 12, pos });
  assert.equal(bad.layout, undefined);
  const msgs = bad.problems.map((p) => p.message).join('\n');
  assert.match(msgs, /flags.VALID is 0/);
  assert.match(msgs, /values.NONE equals values.ERROR/);

  const unknown = resolveLayout('v5.3', 'radeon');
  assert.match(unknown.problems[0].message, /unknown legacy profile "radeon"; expected one of amdgpu, nouveau, test_hmm/);
  assert.throws(() => layoutForKernel('v5.3', 'radeon'), /unknown legacy profile/);

  const high = resolveLayout('v5.3', { flags: { VALID: 1n << 40n, WRITE: 2n }, values: { ERROR: 0x10n, NONE: 0n }, pfnShift: 12, pos });
  assert.ok(high.layout);
  assert.match(high.problems[0].message, /flags.VALID = 0x10000000000 lies at or above pfn_shift 12/);

  const dp57 = resolveLayout('v5.7', { builtin: 'nouveau', flags: { VALID: 1n, WRITE: 2n, DEVICE_PRIVATE: 0x10n }, pos });
  assert.match(dp57.problems[0].message, /DEVICE_PRIVATE is ignored on v5.7/);
  assert.equal(findFlag(dp57.layout!, 'DEVICE_PRIVATE'), undefined);

  const shift = resolveLayout('v5.3', { builtin: 'amdgpu', pfnShift: 70, pos });
  assert.match(shift.problems[0].message, /pfn_shift 70 is not an integer in 0..63/);
});

test('legacy has no order field: encode with an order fails', () => {
  assert.throws(() => encodePfn({ flags: ['VALID'], pfn: 1n, order: 9 }, getLayout('legacy:amdgpu')!), /no map order field/);
  assert.throws(() => encodePfn({ flags: ['VALID'], pfn: 1n, value: 'ERROR' }, getLayout('legacy:amdgpu')!), /whole word/);
});
