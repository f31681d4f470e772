/** Reading the kernel's hmm-tests output (kselftest harness TAP), as the kernel layer reports it: a skip is no pass. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSelftest } from '../../src/oracle/verify';

test('hmm-tests TAP: passes, failures, skips on the ok line, and the 6.1 harness\'s setup skips reported as "ok"', () => {
  const out = parseSelftest([
    'TAP version 13',
    '1..4',
    '# Starting 4 tests from 2 test cases.',
    '#  RUN           hmm.hmm_device_private.open_close ...',
    '#            OK  hmm.hmm_device_private.open_close',
    'ok 1 hmm.hmm_device_private.open_close',
    '#  RUN           hmm.hmm_device_coherent.open_close ...',
    '#      SKIP      DEVICE_COHERENT not available',
    '#            OK  hmm.hmm_device_coherent.open_close',
    'ok 2 hmm.hmm_device_coherent.open_close',
    '#  RUN           hmm.hmm_device_private.anon_read ...',
    '# anon_read: Test failed at step 3',
    'not ok 3 hmm.hmm_device_private.anon_read',
    'ok 4 hmm2.hmm2_device_private.snapshot # SKIP no device',
    '# PASSED: 3 / 4 tests passed.',
  ]);
  assert.deepEqual(out.map((c) => [c.name, c.status, c.detail]), [
    ['hmm.hmm_device_private.open_close', 'pass', ''],
    ['hmm.hmm_device_coherent.open_close', 'skip', 'DEVICE_COHERENT not available'],
    ['hmm.hmm_device_private.anon_read', 'fail', ''],
    ['hmm2.hmm2_device_private.snapshot', 'skip', 'no device'],
  ]);
});
