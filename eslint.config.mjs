// Lint rules that enforce the architecture (see README "Architecture").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline',
  'stream', 'string_decoder', 'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // build, test and benchmark scripts run on Node
    files: ['scripts/**/*.{js,mjs,cjs}', 'bench/**/*.{js,mjs}', 'test/**/*.{js,mjs}', '.ci/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // src/core runs in the CLI, both extension hosts, the webview and the tests: no vscode, no Node built-ins.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core must not import vscode: it also runs in the CLI and the webview.' },
          ...nodeBuiltins.map((name) => ({ name, message: `src/core must not import the Node built-in "${name}".` })),
        ],
        patterns: [{ group: ['node:*'], message: 'src/core must not import Node built-ins.' },
          { group: ['**/extension/**', '**/cli/**', '**/webview/**'], message: 'src/core must not depend on hosts.' }],
      }],
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname', '__filename'],
    },
  },
  {
    files: ['src/webview/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview cannot import vscode; talk through src/protocol.' }],
        patterns: [{ group: ['node:*', '**/extension/**', '**/cli/**'], message: 'The webview runs in a browser.' }],
      }],
    },
  },
);
