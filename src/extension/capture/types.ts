/** What the extension needs of dist/capture.js (./captureCore.ts), typed without loading it. */
import type * as CaptureCoreModule from './captureCore';

export type CaptureModule = typeof CaptureCoreModule;
