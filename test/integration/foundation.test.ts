// Foundation: the extension activates in a real VS Code extension host and its first command answers.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';

interface DecodeResult {
  layoutId: string;
  text: string;
  decoded: { flags: readonly string[]; pfn: bigint; layout: { id: string } };
}

const EXTENSION_ID = 'hmm-lens.hmm-lens';

suite('foundation', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
  });

  test('the extension is active and runs in the Node extension host', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'extension did not activate');
    assert.equal(ext.packageJSON.name, 'hmm-lens');
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  test('a workspace folder is open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'the runner opens one folder');
  });

  test('hmm.decodePfn is registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('hmm.decodePfn'));
  });

  test('hmm.decodePfn decodes VALID|WRITE pfn 0x1234 with the 5.10 layout', async () => {
    const r = await vscode.commands.executeCommand<DecodeResult>('hmm.decodePfn', '0xc000000000001234', 'v5.10');
    assert.ok(r, 'the command returned nothing');
    assert.equal(r.layoutId, 'v5.10');
    assert.deepEqual([...r.decoded.flags].sort(), ['VALID', 'WRITE']);
    assert.equal(r.decoded.pfn, 0x1234n);
    assert.match(r.text, /\bVALID\b/);
    assert.match(r.text, /\bWRITE\b/);
    assert.match(r.text, /pfn=0x1234\b/);
  });

  test('hmm.decodePfn picks the layout from the kernel version (6.16: read-only entry)', async () => {
    const r = await vscode.commands.executeCommand<DecodeResult>('hmm.decodePfn', '0x8000000000000005', 'v6.16');
    assert.ok(r, 'the command returned nothing');
    assert.equal(r.layoutId, 'v6.16');
    assert.deepEqual([...r.decoded.flags], ['VALID']);
    assert.equal(r.decoded.pfn, 5n);
    assert.doesNotMatch(r.text, /\bWRITE\b/);
  });
});
