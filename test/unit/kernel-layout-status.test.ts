// The kernel layout status bar texts and the scope step of Select Kernel Layout (pure parts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelStatusText } from '../../src/extension/statusBar/kernelStatusText';
import { confirmationText, pickScope, scopePicks } from '../../src/extension/commands/kernelLayoutScope';

test('the status item names the kernel and the layout, and where the kernel comes from', () => {
  const s = kernelStatusText({ kernel: 'latest', layoutId: 'v6.16', layoutTitle: '6.16+: sticky…', source: 'setting',
    setting: 'latest', settingScope: 'default' });
  assert.equal(s.text, '$(versions) HMM latest · layout v6.16');
  assert.match(s.tooltip, /`hmm\.kernel` = latest \(default value\)/);
  assert.match(s.ariaLabel, /kernel latest, layout v6\.16, from the hmm\.kernel setting in default value/);
  const file = kernelStatusText({ kernel: 'v5.8', layoutId: 'v5.8', layoutTitle: '5.8–5.9', source: 'scenario',
    setting: 'v6.16', settingScope: 'workspace' });
  assert.equal(file.text, "$(versions) HMM kernel: v5.8 (file wins) · layout v5.8");
  assert.match(file.tooltip, /This scenario's `kernel: v5\.8` decodes its values and wins over `hmm\.kernel` = v6\.16 \(workspace settings\)/);
  assert.match(file.ariaLabel, /this scenario's kernel v5\.8 wins over the hmm\.kernel setting/);
  const bad = kernelStatusText({ kernel: 'latest', layoutId: 'v6.16', layoutTitle: 't', source: 'fallback', setting: 'v99.1',
    settingScope: 'user', problem: 'kernel "v99.1": newer than the newest modelled release' });
  assert.match(bad.text, /\$\(warning\)$/);
  assert.match(bad.tooltip, /newer than the newest modelled release/);
});

test('Select Kernel Layout asks user or workspace only with a workspace open, and says what it saved', async () => {
  const asked: string[] = [];
  const pick = (async (items: { label: string; scope?: string }[], o: { title?: string }) => {
    asked.push(o.title ?? '');
    return items.find((i) => i.scope === 'user');
  }) as Parameters<typeof pickScope>[2];
  assert.equal(await pickScope('v5.10', false, pick), 'user');
  assert.deepEqual(asked, [], 'no question without a workspace');
  assert.equal(await pickScope('v5.10', true, pick), 'user');
  assert.deepEqual(asked, ['Save hmm.kernel = v5.10 for…']);
  assert.equal(await pickScope('v5.10', true, (async () => undefined) as Parameters<typeof pickScope>[2]), undefined);
  assert.deepEqual(scopePicks().map((p) => p.scope), ['workspace', 'user']);
  assert.equal(confirmationText({ kernel: 'v5.10', layoutId: 'v5.10', scope: 'workspace' }),
    'HMM kernel v5.10 → layout v5.10 (workspace settings)');
  assert.equal(confirmationText({ kernel: 'v5.12', layoutId: 'v5.10', scope: 'user', workspaceKernel: 'v6.16', fileKernel: 'v5.8' }),
    "HMM kernel v5.12 → layout v5.10 (user settings). This workspace's own hmm.kernel = v6.16 still wins here. "
    + "This scenario's kernel: v5.8 still decodes its own values.");
});
