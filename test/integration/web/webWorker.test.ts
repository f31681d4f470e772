// Walks over hmm.walkWorkerThreshold pages in the WEB extension host run in a Web Worker (dist/web/walk-worker.js):
// progress is reported, the host stays responsive, a cancel terminates the worker promptly and stores nothing, and
// the result equals the inline one.
import * as vscode from 'vscode';
import { resultToJson } from '../../../src/core/scenario/json';
import type { HmmApi } from '../../../src/extension/activate';
import { setScenarioCoreLoader } from '../../../src/extension/coreLoader';
import { disposeOutput, recentOutput } from '../../../src/extension/output';
import * as scenarioCoreModule from '../../../src/extension/scenarioCore';
import { RunService } from '../../../src/extension/scenario/runService';
import { webWalkWorker, type WorkerCtor } from '../../../src/extension/webWalkWorkerHost';
import { equal, ok } from './webAssert';

const EXTENSION_ID = 'hmm-lens.hmm-lens';
const enc = new TextEncoder();

const BIG = (pages: number, mode: 'snapshot' | 'fault') => `hmm: 1
steps:
  - mmap: { name: big, pages: ${pages}, prot: rw }
  - write: { at: big, pages: ${Math.min(pages, 4096)} }
  - walk: { name: big ${mode}, at: big, pages: ${pages}, mode: ${mode} }
`;

async function api(): Promise<HmmApi> {
  const ext = vscode.extensions.getExtension<HmmApi>(EXTENSION_ID);
  ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

async function fixture(name: string, text: string): Promise<vscode.TextDocument> {
  const f = vscode.workspace.workspaceFolders?.[0];
  ok(f, 'no workspace folder');
  const uri = vscode.Uri.joinPath(f.uri, 'web-fixtures', name);
  await vscode.workspace.fs.writeFile(uri, enc.encode(text));
  return vscode.workspace.openTextDocument(uri);
}

async function setThreshold(value: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('hmm').update('walkWorkerThreshold', value, vscode.ConfigurationTarget.Workspace);
}

suite('web extension host: walk worker', () => {
  teardown(async () => {
    await setThreshold(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a walk over the threshold runs in the Web Worker, reports progress and gives the inline result', async () => {
    const a = await api();
    const doc = await fixture('worker-same.hmm.yaml', BIG(4096, 'fault'));
    const inline = await a.runs.runDocument(doc);
    equal(inline.inWorker, false, 'under the default threshold the walk runs inline');
    await setThreshold(1000);
    let reports = 0;
    const viaWorker = await a.runs.runDocument(doc, {}, undefined, { report: () => { reports++; } });
    equal(viaWorker.inWorker, true, 'the walk did not run in the worker');
    equal(viaWorker.cancelled, false);
    ok(viaWorker.result && inline.result, 'no result');
    equal(viaWorker.result.walks[0].ret, 0);
    equal(viaWorker.result.walks[0].pfns.length, 4096);
    ok(viaWorker.result.walks[0].pfns instanceof BigUint64Array, 'pfns are not a BigUint64Array after the transfer');
    equal(JSON.stringify(resultToJson([viaWorker.result])), JSON.stringify(resultToJson([inline.result])),
      'the worker result differs from the inline one');
    ok(reports >= 1, 'no progress was reported');
    ok(viaWorker.stored, 'the worker result was not stored');
    ok(!a.outputLines().some((l) => l.includes('[walk worker] unavailable')), 'the output says the worker is unavailable');
  });

  test('a cancel at the first progress report of a large worker walk returns promptly and stores nothing', async () => {
    const a = await api();
    await setThreshold(1000);
    const doc = await fixture('worker-cancel.hmm.yaml', BIG(16_000_000, 'fault'));
    const cts = new vscode.CancellationTokenSource();
    let cancelledAt = 0;
    let reports = 0;
    const t0 = Date.now();
    const r = await a.runs.runDocument(doc, {}, cts.token, { report: () => {
      reports++;
      if (!cancelledAt) { cancelledAt = Date.now(); cts.cancel(); }
    } });
    const end = Date.now();
    equal(r.inWorker, true, 'the walk did not run in the worker');
    ok(reports >= 1 && cancelledAt > 0, 'no progress was reported before the end');
    equal(r.cancelled, true, `not cancelled (run took ${end - t0} ms)`);
    ok(end - cancelledAt < 1000, `the run returned ${end - cancelledAt} ms after the cancel`);
    equal(r.result, undefined, 'a cancelled worker run has a result');
    equal(a.store.getRun(doc.uri), undefined, 'a cancelled run stores nothing');
  });

  test('the host stays responsive during a worker walk: a timer cancels it on time', async () => {
    const a = await api();
    await setThreshold(1000);
    const doc = await fixture('worker-timer.hmm.yaml', BIG(16_000_000, 'fault'));
    const cts = new vscode.CancellationTokenSource();
    let firedAt = 0;
    const t0 = Date.now();
    setTimeout(() => { firedAt = Date.now(); cts.cancel(); }, 200);
    const r = await a.runs.runDocument(doc, {}, cts.token);
    const end = Date.now();
    equal(r.inWorker, true);
    equal(r.cancelled, true, `not cancelled (run took ${end - t0} ms)`);
    ok(firedAt > 0 && firedAt - t0 < 1000, `the 200 ms timer fired after ${firedAt - t0} ms: the host was blocked`);
    ok(end - t0 < 2000, `took ${end - t0} ms`);
    equal(a.store.getRun(doc.uri), undefined, 'a cancelled run stores nothing');
  });

  test('where no worker can be started the walk runs inline and the output channel says so', async () => {
    const a = await api();
    await setThreshold(1000);
    const doc = await fixture('worker-fallback.hmm.yaml', BIG(4096, 'snapshot'));
    const viaWorker = await a.runs.runDocument(doc);
    ok(viaWorker.inWorker, 'the walk did not run in the worker');
    let attempts = 0;
    const Refusing = class {
      constructor() { attempts++; throw new Error('no workers here'); }
    } as unknown as WorkerCtor;
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    ok(ext, 'extension not loaded');
    // this bundle has its own copy of the glue modules (loader, output channel): a RunService of our own with a
    // worker that can never start
    setScenarioCoreLoader(() => scenarioCoreModule);
    const runs = new RunService(a.store, webWalkWorker(ext.extensionUri, Refusing));
    try {
      const r = await runs.runDocument(doc);
      equal(r.inWorker, false, 'reported as a worker run');
      equal(attempts, 2, 'the URL and the Blob URL forms were not both tried');
      ok(r.result && viaWorker.result, 'no result from the inline fallback');
      equal(JSON.stringify(resultToJson([r.result])), JSON.stringify(resultToJson([viaWorker.result])));
      const said = recentOutput().join('\n');
      ok(/\[walk worker\] unavailable \(.*no workers here.*\): running 4,096 pages inline/.test(said), `output: ${said}`);
    } finally {
      runs.dispose();
      disposeOutput();
    }
  });
});
