// The WEB integration suite's entry: VS Code's web worker extension host (the browser entry dist/web/extension.js,
// loaded with extensionDevelopmentKind ["web"]) calls run() (extensionTestsPath). Bundled for the browser by
// scripts/build.mjs to out/test/integration-web/index.js, with mocha's browser build; no Node API anywhere.
// scripts/run-integration.mjs runs it after the Node suite (HMM_LENS_TEST_FILES=web runs only this one).
//
// ADDING TESTS: add test/integration/web/<feature>.test.ts (mocha TDD globals; `import * as vscode from 'vscode'`;
// assertions from ./webAssert — node:assert is a Node module) and require it in loadSuites() below.
//
// Results: the worker has no file system of its own, so each outcome is printed as one console line
// `[hmm-web-test] {json}`; the runner reads the page's console (the web host's console reaches it).
import 'mocha/mocha.js';

const MARK = '[hmm-web-test]';

interface MochaRunner {
  on(event: 'pass' | 'pending', f: (t: { fullTitle(): string; duration?: number }) => void): void;
  on(event: 'fail', f: (t: { fullTitle(): string; duration?: number }, err: unknown) => void): void;
}
interface BrowserMocha {
  setup(o: { ui: string; timeout: number; color?: boolean }): void;
  reporter(r: new (runner: MochaRunner) => unknown): void;
  run(fn: (failures: number) => void): unknown;
  suite: { total(): number };
}

function report(o: Record<string, unknown>): void {
  console.log(`${MARK} ${JSON.stringify(o)}`);
}

/** Relays every outcome to the console (the runner's channel). */
class ConsoleReporter {
  constructor(runner: MochaRunner) {
    runner.on('pass', (t) => report({ event: 'pass', title: `[web] ${t.fullTitle()}`, durationMs: t.duration }));
    runner.on('fail', (t, err) => report({ event: 'fail', title: `[web] ${t.fullTitle()}`, durationMs: t.duration,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
    runner.on('pending', (t) => report({ event: 'pending', title: `[web] ${t.fullTitle()}` }));
  }
}

function loadSuites(): void {
  // plain requires: esbuild bundles them; mocha's globals (suite, test…) exist once setup() ran
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./webHost.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./webWorker.test');
}

export function run(): Promise<void> {
  const mocha = (globalThis as unknown as { mocha: BrowserMocha }).mocha;
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.setup({ ui: 'tdd', timeout: 60_000, color: false });
      mocha.reporter(ConsoleReporter);
      loadSuites();
      report({ event: 'start', total: mocha.suite.total() });
      let failed = 0;
      mocha.run((failures) => {
        failed = failures;
        report({ event: 'end', failed });
        if (failed > 0) reject(new Error(`${failed} web integration test(s) failed`));
        else resolve();
      });
    } catch (e) {
      report({ event: 'fail', title: '[web] loading the web integration suite', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      report({ event: 'end', failed: 1 });
      reject(e);
    }
  });
}
