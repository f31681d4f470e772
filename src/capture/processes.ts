/**
 * The processes a capture can read, for the editor's picker: name, pid, resident size and command line, from
 * /proc/PID/stat, status and cmdline. Kernel threads (no address space) are left out; processes we may not read are
 * kept (the capture then says why it cannot read them).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  readonly pid: number;
  readonly name: string;
  /** resident set size in kB (VmRSS) */
  readonly rssKb: number;
  readonly cmdline: string;
  /** the process belongs to another user (its pagemap is not readable without root) */
  readonly otherUser: boolean;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every process with a user address space, largest resident size first. */
export function listProcesses(proc = '/proc'): ProcessInfo[] {
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  const out: ProcessInfo[] = [];
  let names: string[];
  try {
    names = readdirSync(proc);
  } catch {
    return [];
  }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const status = read(`${proc}/${n}/status`);
    if (!status) continue;
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!rss) continue; // a kernel thread, or a zombie: no address space
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
    const owner = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    const cmdline = (read(`${proc}/${n}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
    out.push({ pid: Number(n), name, rssKb: Number(rss[1]), cmdline, otherUser: uid !== 0 && owner !== uid });
  }
  return out.sort((a, b) => b.rssKb - a.rssKb || a.pid - b.pid);
}

function size(kb: number): string {
  if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)} GiB`;
  if (kb >= 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${kb} KiB`;
}

/** QuickPick items for the picker (filtered as you type on name, pid and command line). */
export function processPickItems(list: readonly ProcessInfo[]): { label: string; description: string; detail: string; pid: number }[] {
  return list.map((p) => ({
    label: p.name,
    description: `pid ${p.pid} · ${size(p.rssKb)} resident${p.otherUser ? ' · another user (needs root)' : ''}`,
    detail: p.cmdline.slice(0, 300),
    pid: p.pid,
  }));
}
