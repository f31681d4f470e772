// Foundation e2e: HMM Lens in the real VS Code web workbench, driven like a user from the command palette.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeAll, withWorkbench } from './workbench';

after(closeAll);

test('HMM: Decode PFN Value from the palette shows the decoded flags', () => withWorkbench('foundation-decode-pfn',
  async (wb) => {
    await wb.runCommand('HMM: Decode PFN Value');
    const box = await wb.quickInputState();
    assert.match(box.title, /Decode PFN Value/);
    assert.match(box.placeholder, /0x/);
    await wb.fillInputBox('0xc000000000001234');
    const text = await wb.waitForNotification(/HMM pfn/);
    await wb.screenshot('foundation-decode-pfn');
    assert.match(text, /^HMM pfn 0xc000000000001234 \[layout [^\]]+\]:/);
    assert.match(text, /\bVALID\b/);
    assert.match(text, /\bWRITE\b/);
    assert.match(text, /pfn=0x1234\b/);
  }));

test('a read-only value decodes without WRITE', () => withWorkbench('foundation-read-only', async (wb) => {
  await wb.runCommand('HMM: Decode PFN Value');
  await wb.fillInputBox('0x8000000000000042', { title: 'Decode PFN Value' });
  const text = await wb.waitForNotification(/HMM pfn 0x8000000000000042/);
  assert.match(text, /\bVALID\b/);
  assert.doesNotMatch(text, /\bWRITE\b/);
  assert.match(text, /pfn=0x42\b/);
}));
