// The address-space map's VMA layer: the runner's VMAs placed on the walk's pages, clipped where they run past the
// walk, classed as hmm_vma_walk_test treats them, and described in the tooltip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanAt, vmaClass, vmaLabel, vmaSpans, vmaTooltip } from '../../src/webview/model/vmaSpans';
import { resultToView } from '../../src/protocol/convert';
import type { VmaDto } from '../../src/protocol/messages';
import { LAYOUTS } from '../e2e/fixtures/inspector/layouts';
import { retryResult } from '../e2e/fixtures/inspector/results';

const vma = (start: bigint, end: bigint, flags: string[], extra: Partial<VmaDto> = {}): VmaDto =>
  ({ start: `0x${start.toString(16)}`, end: `0x${end.toString(16)}`, prot: 'rw-', flags, backing: 'private anonymous', ...extra });

test('the fixture walk: heap, mmio and ro land on pages 0-11, 12-13 and 14-15', () => {
  const w = resultToView(retryResult(), 0, LAYOUTS).walks[0];
  const spans = vmaSpans(w.vmas, BigInt(w.start!), w.pageSize, w.pages);
  assert.deepEqual(spans.map((s) => [s.vma.name, s.first, s.end, s.before, s.after, s.cls]), [
    ['heap', 0, 12, false, false, 'walked'],
    ['mmio', 12, 14, false, false, 'not-mirrored'],
    ['ro', 14, 16, false, false, 'walked'],
  ]);
  assert.equal(spanAt(spans, 13)?.vma.name, 'mmio');
  assert.equal(vmaLabel(spans[1].vma), 'mmio  rw-  VM_READ|VM_WRITE|VM_SHARED|VM_IO|VM_PFNMAP');
  const tip = vmaTooltip(spans[1], 4096).join('\n');
  assert.match(tip, /^VMA "mmio" 0x7f000000c000–0x7f000000e000 \(2 pages\)\n {2}rw- VM_READ\|VM_WRITE\|VM_SHARED\|VM_IO\|VM_PFNMAP\n {2}file \(shared\)\n {2}not mirrored/);
  assert.doesNotMatch(vmaTooltip(spans[0], 4096).join('\n'), /not mirrored|continues/);
});

test('VMAs running past the walk are clipped and marked; holes and VMAs outside are not spans', () => {
  const s = 0x7f0000010000n;
  const P = 0x1000n;
  const vmas = [
    vma(s - 4n * P, s + 2n * P, ['VM_READ', 'VM_WRITE']), // starts below the walk
    vma(s + 3n * P, s + 5n * P, ['VM_READ'], { prot: 'r--', name: 'r' }), // page 2 is a hole
    vma(s + 6n * P, s + 100n * P, ['VM_WRITE'], { prot: '-w-' }), // runs past the end; no VM_READ
    vma(s + 200n * P, s + 300n * P, ['VM_READ']), // outside
  ];
  const spans = vmaSpans(vmas, s, 4096, 8);
  assert.deepEqual(spans.map((x) => [x.first, x.end, x.before, x.after, x.cls]), [
    [0, 2, true, false, 'walked'], [3, 5, false, false, 'walked'], [6, 8, false, true, 'not-mirrored'],
  ]);
  assert.equal(spanAt(spans, 2), undefined, 'a hole');
  assert.match(vmaTooltip(spans[0], 4096).join('\n'), /\(6 pages\)[\s\S]*continues below the walked range/);
  assert.match(vmaTooltip(spans[2], 4096).join('\n'), /continues above the walked range/);
  assert.deepEqual(vmaSpans(vmas, null, 4096, 8), [], 'a bare value array has no addresses');
  assert.equal(vmaClass(vma(0n, P, ['VM_READ', 'VM_MIXEDMAP'])), 'walked', 'VM_MIXEDMAP is walked (special PTEs give ERROR)');
  assert.equal(vmaLabel(vma(0n, P, [], { prot: '---' })), '---  no flags');
});

test('a VMA whose end is not on a page boundary of the walk still covers its last partial page', () => {
  const s = 0x10000n;
  const spans = vmaSpans([vma(s, s + 0x1800n, ['VM_READ'])], s, 4096, 4);
  assert.deepEqual(spans.map((x) => [x.first, x.end]), [[0, 2]]);
});
