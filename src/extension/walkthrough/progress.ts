/**
 * The walkthrough's steps complete on what a user does anywhere, not only on its own buttons: each step lists
 * `onContext:hmm.walkthrough.<step>` in package.json, and these context keys are set when the equivalent action
 * happens (a scenario opened, a result stored by any way of running, the inspector shown, a value decoded).
 */
import * as vscode from 'vscode';

export type WalkthroughStep = 'opened' | 'ran' | 'inspected' | 'decoded';

let done = new Set<WalkthroughStep>();

/** Marks a step done (sets its context key once per session; VS Code remembers completed steps). */
export function completeStep(step: WalkthroughStep): void {
  if (done.has(step)) return;
  done.add(step);
  void vscode.commands.executeCommand('setContext', `hmm.walkthrough.${step}`, true);
}

/** This bundle's record of done steps, to hand to the providers bundle (../providers.ts), which adopts it. */
export function walkthroughState(): Set<WalkthroughStep> {
  return done;
}

export function adoptWalkthroughState(s: Set<WalkthroughStep>): void {
  done = s;
}

/** The steps marked done in this session (for tests). */
export function completedSteps(): readonly WalkthroughStep[] {
  return [...done];
}
