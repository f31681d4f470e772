/**
 * The capture of a live process for the Node extension host, bundled on its own as dist/capture.js and required on
 * the first "HMM: Capture Process Address Space…" (../main.ts): it reads /proc, which the web host cannot.
 */
export { captureProcess, CaptureFailure } from '../../capture/read';
export { listProcesses, processPickItems } from '../../capture/processes';
export { generateScenario, CaptureError } from '../../core/capture/generate';
export { parseRange } from '../../core/capture/procfs';
