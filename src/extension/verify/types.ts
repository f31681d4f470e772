/** What the extension needs of dist/oracle.js (./../oracleCore.ts), typed without loading it. */
import type { ScenarioInput, VerifyOptions, VerifyRun } from '../../oracle/verify';
import type { KernelTargetId } from '../../core/oracle/targets';

export interface OracleModule {
  verifyScenarios(inputs: readonly ScenarioInput[], id: KernelTargetId, o: VerifyOptions): Promise<VerifyRun>;
  readonly OracleError: new (message: string, exitCode?: 2 | 3) => Error & { exitCode: 2 | 3 };
}

export type { ScenarioInput, VerifyRun };
