/**
 * The first time a workspace with scenario files is opened, HMM Lens's own walkthrough opens (in the editor VS Code
 * uses for its welcome page), once per user. Not when the user turned the welcome page off
 * (workbench.startupEditor: none), nor in a workspace without scenarios.
 */
import * as vscode from 'vscode';
import { SCENARIO_GLOB } from '../scenario/language';

export const WALKTHROUGH_ID = 'hmm-lens.hmm-lens#hmm.gettingStarted';
const SHOWN_KEY = 'hmm.walkthrough.shownOnce';

export type FirstRunOutcome = 'opened' | 'shown before' | 'startup editor off' | 'no scenarios' | 'failed';

export async function openWalkthroughOnFirstRun(context: vscode.ExtensionContext): Promise<FirstRunOutcome> {
  try {
    if (context.globalState.get<boolean>(SHOWN_KEY)) return 'shown before';
    if (vscode.workspace.getConfiguration('workbench').get<string>('startupEditor') === 'none') return 'startup editor off';
    const any = await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**', 1);
    if (any.length === 0) return 'no scenarios';
    await context.globalState.update(SHOWN_KEY, true);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
    return 'opened';
  } catch {
    return 'failed';
  }
}
