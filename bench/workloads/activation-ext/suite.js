/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module that the extension host require()s */
// The extensionTestsPath of bench/workloads/activation-real.ts, run by the extension host of one workbench window.
// 1. Times `await ext.activate()` for HMM Lens and for the empty extension, in the order of window.json, and
//    appends the result to the jsonl file (HMM_BENCH_ACTIVATION_OUT).
// 2. Opens "Developer: Show Running Extensions", writes waiting-<window> and waits (100 ms polls, up to 60 s) for
//    done-<window>, which the bench writes once it has read both extensions' activation times from that editor.
// Returning ends the window (codeAutomationExit).
const { performance } = require('perf_hooks');
const fs = require('fs');
const path = require('path');

const IDS = { hmm: 'hmm-lens.hmm-lens', empty: 'hmm-bench.empty-extension' };

exports.run = async function () {
  const vscode = require('vscode');
  const out = process.env.HMM_BENCH_ACTIVATION_OUT;
  const dir = path.dirname(out);
  const win = JSON.parse(fs.readFileSync(path.join(dir, 'window.json'), 'utf8'));
  const r = { window: win.index, order: win.order };
  const exts = {};
  for (const key of Object.keys(IDS)) {
    exts[key] = vscode.extensions.getExtension(IDS[key]);
    r[key] = { found: !!exts[key], wasActive: exts[key] ? exts[key].isActive : null };
  }
  for (const key of win.order) {
    if (!exts[key]) continue;
    const t0 = performance.now();
    await exts[key].activate();
    r[key].wallMs = performance.now() - t0;
  }
  fs.appendFileSync(out, JSON.stringify(r) + '\n');
  await vscode.commands.executeCommand('workbench.action.showRuntimeExtensions');
  fs.writeFileSync(path.join(dir, 'waiting-' + win.index), '');
  const done = path.join(dir, 'done-' + win.index);
  const end = Date.now() + 60_000;
  while (!fs.existsSync(done) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 100));
};
