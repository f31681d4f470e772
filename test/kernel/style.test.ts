/**
 * The kernel side follows the kernel's coding style: scripts/checkpatch.pl of the devpriv-6.1 source tree (Debian's
 * linux-source-6.1, prepared by the oracle) reports no error and no warning for the probe module, its uapi header
 * and the executor. (Both also build with -Werror: src/oracle/artifacts.ts, in every kernel run.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareKernel } from '../../src/oracle/kernels';

const root = join(import.meta.dirname ?? __dirname, '..', '..');

test('checkpatch.pl: no error, no warning in kernel/probe and kernel/executor', async () => {
  const k = await prepareKernel('devpriv-6.1', { log: (m) => process.stdout.write(`# ${m}\n`) });
  const checkpatch = join(k.kdir, 'scripts', 'checkpatch.pl');
  const files = ['probe', 'executor'].flatMap((d) => readdirSync(join(root, 'kernel', d))
    .filter((f) => /\.[ch]$/.test(f)).map((f) => join('kernel', d, f)));
  assert.ok(files.length >= 6, files.join(' '));
  for (const f of files) {
    const r = spawnSync('perl', [checkpatch, '--no-tree', '-f', f], { cwd: root, encoding: 'utf8' });
    const issues = r.stdout.split('\n').filter((l) => /^(ERROR|WARNING|CHECK):/.test(l));
    assert.deepEqual(issues, [], `${f}:\n${r.stdout}`);
    assert.match(r.stdout, /total: 0 errors, 0 warnings/, f);
  }
});
