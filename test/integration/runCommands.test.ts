// Run Faulting/Snapshot Walk (cursor or whole file), with Options, Run Scenario, Run All, worker, cancellation, trace.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { overrideSteps, pickOverrides } from '../../src/extension/commands/runWalk';
import type { QuickPick } from '../../src/extension/commands/selectKernelLayout';
import { BASIC_SCENARIO, closeAll, hmmApi, lineOf, open, setSetting, writeFixture } from './hmmHelpers';

interface RunSummary {
  ok: boolean; cancelled: boolean; errors: string[];
  walks: { name: string; ordinal: number; ret: number; attempts: number; pages: number; summary: string; expectOk?: boolean; mismatch?: string }[];
}

const BIG = (pages: number) => `hmm: 1
steps:
  - mmap: { name: big, pages: ${pages}, prot: rw }
  - write: { at: big, pages: ${pages} }
  - walk: { name: big snapshot, at: big, pages: ${pages}, mode: snapshot }
`;

suite('run commands', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(async () => {
    await setSetting('walkWorkerThreshold', undefined);
    await closeAll();
  });

  test('Run Faulting Walk runs the walk at the cursor with mode fault', async () => {
    const uri = await writeFixture('run-cursor.hmm.yaml', BASIC_SCENARIO);
    const editor = await open(uri);
    const line = lineOf(BASIC_SCENARIO, 'name: snap') - 1;
    editor.selection = new vscode.Selection(line, 8, line, 8);
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runFaultingWalk');
    assert.equal(r.walks.length, 1);
    assert.equal(r.walks[0].name, 'snap');
    assert.equal(r.walks[0].ordinal, 0);
    // as a fault walk the snapshot's expectation (pages 2, 3 NONE) no longer holds
    assert.equal(r.walks[0].expectOk, false);
    assert.match(r.walks[0].mismatch ?? '', /^page 2 \(0x7f0000002000\): expected NONE, got VALID zero$/);
  });

  test('the line of the next "- walk:" belongs to the next walk', async () => {
    const uri = await writeFixture('run-boundary.hmm.yaml', BASIC_SCENARIO);
    const editor = await open(uri);
    const line = lineOf(BASIC_SCENARIO, 'name: fault all') - 2; // "- walk:" of walk 2
    editor.selection = new vscode.Selection(line, 4, line, 4);
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runSnapshotWalk');
    assert.deepEqual(r.walks.map((w) => w.name), ['fault all']);
  });

  test('Run Snapshot Walk outside any walk runs every walk of the file', async () => {
    const uri = await writeFixture('run-all-walks.hmm.yaml', BASIC_SCENARIO);
    const editor = await open(uri);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runSnapshotWalk');
    assert.deepEqual(r.walks.map((w) => w.name), ['snap', 'fault all', 'wrong on purpose']);
    // as snapshots, nothing faults: the second walk sees pages 2 and 3 empty
    assert.equal(r.walks[1].expectOk, false);
  });

  test('Run Scenario runs every walk as written and writes each walk\'s trace to the output channel', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('run-scenario.hmm.yaml', BASIC_SCENARIO);
    const before = api.outputLines().length;
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runScenario', uri);
    assert.deepEqual(r.walks.map((w) => w.expectOk), [true, true, false]);
    assert.equal(r.ok, false);
    const lines = api.outputLines().slice(before);
    assert.ok(lines.some((l) => /run-scenario\.hmm\.yaml — it basic \(kernel v6\.16, layout v6\.16\)/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /walk "snap" \(line 9\) 0x7f0000000000: ret 0 · 4 pages — expect held/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /walk "wrong on purpose".*FAILED: 1 page differs/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^ {4}✗ page 1 at 0x7f0000001000: expected VALID WRITE, got VALID zero \(WRITE missing\) — the walk: /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^ {4}#1 hmm_/.test(l)), 'trace events are listed');
  });

  test('the trace explains its pass numbers and does not repeat itself', async () => {
    const api = await hmmApi();
    const example = (await vscode.workspace.findFiles('03-fork-cow-ebusy.hmm.yaml'))[0];
    const before = api.outputLines().length;
    await vscode.commands.executeCommand<RunSummary>('hmm.runScenario', example);
    const lines = api.outputLines().slice(before);
    // the retry walk: 2 calls, 3 passes over the range, explained where the #N appear
    const retry = lines.findIndex((l) => l.includes('walk "device write with the driver retry loop"'));
    assert.ok(retry >= 0, lines.join('\n'));
    assert.match(lines[retry + 1], /^ {4}\(#N = pass N over the range: 3 passes in 2 calls of hmm_range_fault\(\); /);
    // no line says the same thing twice ("copy-on-write …: copy-on-write …")
    for (const l of lines) assert.doesNotMatch(l, /(.{24,}): \1/, l);
    const cow = lines.find((l) => l.includes('handle_mm_fault') && l.includes('copy-on-write'));
    assert.ok(cow, lines.join('\n'));
    assert.equal(cow.split('copy-on-write of a page shared').length, 2, cow);
  });

  test('Run Walk with Options overrides kernel and mode', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('run-options.hmm.yaml', BASIC_SCENARIO);
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runWalkWithOptions', uri, 0, { kernel: 'v5.10', mode: 'fault_write' });
    assert.equal(r.walks.length, 1);
    const stored = api.store.walkResult(uri, 0);
    assert.ok(stored);
    assert.equal(stored.walk.layoutId, 'v5.10');
    assert.equal(stored.run.overrides, 'mode fault_write, kernel v5.10');
    // fault_write: every page is VALID WRITE (bits 63 and 62)
    for (const w of stored.walk.pfns) assert.equal(w >> 62n, 3n);
  });

  test('Run Walk with Options (quick picks): mode, kernel, device in turn; the choices become the run\'s overrides', async () => {
    const text = BASIC_SCENARIO.replace('devices: [gpu0]', 'devices: [gpu0, gpu1]');
    const { scenario } = parseScenario(text, 'run-options.hmm.yaml');
    assert.ok(scenario, 'the fixture parses');
    const steps = overrideSteps(scenario);
    assert.deepEqual(steps.mode.map((i) => i.mode), [undefined, 'snapshot', 'fault', 'fault_write']);
    assert.equal(steps.kernel[0].label, 'as written');
    assert.equal(steps.kernel[0].description, scenario.kernel, 'the first kernel item shows the file\'s kernel');
    assert.ok(steps.kernel.some((i) => i.kernel === 'v5.7' && i.description === 'legacy:amdgpu@v5.7'), steps.kernel.map((i) => `${i.kernel}:${i.description}`).join(' '));
    assert.deepEqual(steps.device.map((i) => i.device), [undefined, 'gpu0', 'gpu1']);
    const titles: string[] = [];
    const answer = (labels: (string | undefined)[]): QuickPick => (async (items: vscode.QuickPickItem[], o: vscode.QuickPickOptions) => {
      titles.push(o.title ?? '');
      const want = labels.shift();
      return want === undefined ? undefined : items.find((i) => i.label === want);
    }) as QuickPick;
    const overrides = await pickOverrides(scenario, answer(['fault_write', 'v5.10', 'gpu1']));
    assert.deepEqual(overrides, { mode: 'fault_write', kernel: 'v5.10', device: 'gpu1' });
    assert.deepEqual(titles.map((t) => t.replace(/:.*/, '')), ['Run Walk with Options (1/3)', 'Run Walk with Options (2/3)', 'Run Walk with Options (3/3)']);
    // "as written" everywhere is no override; a dismissed step ends the flow without asking the next
    assert.deepEqual(await pickOverrides(scenario, answer(['as written', 'as written', 'as written'])), { mode: undefined, kernel: undefined, device: undefined });
    titles.length = 0;
    assert.equal(await pickOverrides(scenario, answer(['snapshot', undefined])), undefined);
    assert.equal(titles.length, 2);
    // the picked overrides run as the command runs them
    const api = await hmmApi();
    const uri = await writeFixture('run-options-picked.hmm.yaml', text);
    await vscode.commands.executeCommand<RunSummary>('hmm.runWalkWithOptions', uri, 0, overrides);
    const stored = api.store.walkResult(uri, 0);
    assert.ok(stored);
    assert.equal(stored.walk.layoutId, 'v5.10');
    assert.equal(stored.run.overrides, 'mode fault_write, kernel v5.10, device gpu1');
  });

  test('an invalid file reports its errors instead of running', async () => {
    const uri = await writeFixture('run-invalid.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { pages: 1, prot: rwz }\n');
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runScenario', uri);
    assert.equal(r.walks.length, 0);
    assert.match(r.errors[0], /^3:\d+: unknown prot "rwz"/);
  });

  test('Run All Scenarios finds every scenario through workspace.fs and counts walks', async () => {
    await writeFixture('runall-a.hmm.yaml', BASIC_SCENARIO);
    await writeFixture('runall-b.hmm.json', JSON.stringify({ hmm: 1, steps: [{ mmap: { name: 'b', pages: 1, prot: 'r' } },
      { walk: { at: 'b', pages: 1, mode: 'snapshot', expect: { ret: 0, pfns: ['NONE'] } } }] }));
    const all = await vscode.workspace.findFiles('**/*.hmm.{yaml,yml,json}');
    const r = await vscode.commands.executeCommand<{ files: number; walks: number; passed: number; failed: number; invalid: number;
      results: { file: string; walks: unknown[] }[] }>('hmm.runAllScenarios');
    assert.equal(r.files, all.length);
    const a = r.results.find((x) => x.file.endsWith('runall-a.hmm.yaml'));
    const b = r.results.find((x) => x.file.endsWith('runall-b.hmm.json'));
    assert.equal(a?.walks.length, 3);
    assert.equal(b?.walks.length, 1);
    assert.ok(r.failed >= 1 && r.passed >= 3 && r.invalid >= 1, JSON.stringify({ ...r, results: undefined }));
  });

  test('walks over hmm.walkWorkerThreshold pages run in the worker with the same result', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('worker.hmm.yaml', BIG(4096));
    const doc = await vscode.workspace.openTextDocument(uri);
    const inline = await api.runs.runDocument(doc);
    assert.equal(inline.inWorker, false);
    await setSetting('walkWorkerThreshold', 1000);
    let reports = 0;
    const viaWorker = await api.runs.runDocument(doc, {}, undefined, { report: () => { reports++; } });
    assert.equal(viaWorker.inWorker, true);
    assert.ok(viaWorker.result && inline.result);
    assert.deepEqual([...viaWorker.result.walks[0].pfns], [...inline.result.walks[0].pfns]);
    assert.equal(viaWorker.result.walks[0].ret, 0);
    assert.ok(reports >= 1, 'progress was reported');
  });

  test('cancelling a worker run stops it promptly', async () => {
    const api = await hmmApi();
    await setSetting('walkWorkerThreshold', 1000);
    const uri = await writeFixture('worker-cancel.hmm.yaml', BIG(8_000_000));
    const doc = await vscode.workspace.openTextDocument(uri);
    const cts = new vscode.CancellationTokenSource();
    setTimeout(() => cts.cancel(), 300);
    const t0 = Date.now();
    const r = await api.runs.runDocument(doc, {}, cts.token);
    assert.equal(r.cancelled, true);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(api.store.getRun(uri), undefined, 'a cancelled run stores nothing');
  });
});
