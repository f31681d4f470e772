/** What the CLI needs from the outside world; tests pass an in-memory version. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** file size in bytes, 'dir' for a directory, undefined when missing */
  stat(path: string): number | 'dir' | undefined;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  join(a: string, b: string): string;
}

export const nodeIo: CliIo = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  stat: (p) => {
    try {
      const s = statSync(p);
      return s.isDirectory() ? 'dir' : s.size;
    } catch {
      return undefined;
    }
  },
  readdir: (p) => readdirSync(p),
  readFile: (p) => readFileSync(p),
  join,
};
