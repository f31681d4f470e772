// E2E: hovers decode pfn values in a C file and in a kernel log, in the real workbench.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('hovering a pfn value in a C file decodes it by hmm.kernel', () => withWorkbench('hover-c', async (wb) => {
  await wb.openFile('svm_range.c');
  const text = await wb.hoverText('0xc000000000001234');
  await wb.screenshot('hover-c');
  assert.match(text, /HMM pfn/);
  assert.match(text, /layout v5\.10/);
  assert.match(text, /VALID WRITE/);
  assert.match(text, /0x1234/);
  assert.match(text, /Open in Inspector/);
}, { copyFrom: fixtures, settings: { 'hmm.kernel': 'v5.10' } }));

test('hovering a bare 16-digit word in a kernel log decodes it', () => withWorkbench('hover-log', async (wb) => {
  await wb.openFile('dmesg.log');
  const text = await wb.hoverText('8000000000001000');
  await wb.screenshot('hover-log');
  assert.match(text, /HMM pfn/);
  assert.match(text, /layout v6\.16/);
  assert.match(text, /\bVALID\b/);
  assert.doesNotMatch(text, /VALID WRITE/);
  assert.match(text, /0x1000/);
}, { copyFrom: fixtures }));
