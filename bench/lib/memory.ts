/**
 * Heap measurement: a full GC (exposed at run time without needing `node --expose-gc`), then heap + array buffers.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

function getGc(): Gc {
  const g = (globalThis as { gc?: Gc }).gc;
  if (typeof g === 'function') return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as Gc;
}

const gc = getGc();

/** Bytes in use after two full collections: JS heap plus ArrayBuffer backing stores (typed arrays live there). */
export function usedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export { gc };
