/**
 * The texts of the kernel layout status bar item (no vscode import, so it is unit-testable): which kernel decodes
 * values in the active editor and with which pfn layout — a scenario's own `kernel:`, which wins there, or the
 * hmm.kernel setting and where it is set.
 */

export interface KernelStatusInput {
  /** the kernel id in use and the layout it selects */
  readonly kernel: string;
  readonly layoutId: string;
  readonly layoutTitle: string;
  /** 'scenario': the file's `kernel:`; 'setting': hmm.kernel; 'fallback': a bad id, latest used */
  readonly source: 'scenario' | 'setting' | 'fallback' | 'argument';
  /** hmm.kernel and where its value comes from */
  readonly setting: string;
  readonly settingScope: 'default' | 'user' | 'workspace' | 'folder';
  /** what is wrong with the id, when the fallback was used */
  readonly problem?: string;
}

export interface KernelStatusText {
  readonly text: string;
  /** Markdown */
  readonly tooltip: string;
  /** what a screen reader says */
  readonly ariaLabel: string;
}

const SCOPE_TEXT: Record<KernelStatusInput['settingScope'], string> = {
  default: 'default value', user: 'user settings', workspace: 'workspace settings', folder: 'folder settings',
};

export function kernelStatusText(i: KernelStatusInput): KernelStatusText {
  const setting = `\`hmm.kernel\` = ${i.setting} (${SCOPE_TEXT[i.settingScope]})`;
  if (i.source === 'scenario') {
    return {
      text: `$(versions) HMM kernel: ${i.kernel} (file wins) · layout ${i.layoutId}`,
      tooltip: [`**HMM Lens — pfn layout ${i.layoutId}**`, '',
        `This scenario's \`kernel: ${i.kernel}\` decodes its values and wins over ${setting}.`, '',
        `*${i.layoutTitle}*`, '',
        'Click to change `hmm.kernel`, which decodes values outside scenario files.'].join('\n'),
      ariaLabel: `HMM Lens: this scenario's kernel ${i.kernel} wins over the hmm.kernel setting; layout ${i.layoutId}. `
        + 'Activate to select the kernel layout for values outside scenario files.',
    };
  }
  const problem = i.problem ? ['', `$(warning) ${i.problem}`] : [];
  return {
    text: `$(versions) HMM ${i.kernel} · layout ${i.layoutId}${i.source === 'fallback' ? ' $(warning)' : ''}`,
    tooltip: [`**HMM Lens — pfn layout ${i.layoutId}**`, '',
      `Values outside scenario files decode with ${setting}; a scenario's own \`kernel:\` wins in its file.`, '',
      `*${i.layoutTitle}*`, ...problem, '', 'Click to select the kernel layout.'].join('\n'),
    ariaLabel: `HMM Lens: kernel ${i.kernel}, layout ${i.layoutId}, from the hmm.kernel setting in ${SCOPE_TEXT[i.settingScope]}. `
      + 'Activate to select the kernel layout.',
  };
}
