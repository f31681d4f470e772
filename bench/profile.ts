/**
 * Profile the walk of one workload, and only the walk (for findings; not part of `npm run bench`):
 *   node --import tsx bench/profile.ts present|thp|mixed|sparse|fault|fault_write [runs] [top]
 * The V8 profiler is started and stopped from the runner's progress callback around the walk step, in every
 * run; self time per function is summed over the runs and the top functions printed.
 */
import { Session } from 'node:inspector';
import { loadParse, loadRun, parseOrThrow } from './lib/core';
import { faultScenario, mixedScenario, presentScenario, sparseScenario, thpScenario } from './scenarios';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function post<T>(s: Session, method: string, params?: object): T {
  let out: T | undefined;
  let err: Error | null = null;
  s.post(method, params ?? {}, (e, r) => { err = e; out = r as T; });
  if (err) throw err;
  return out as T; // same-thread sessions answer synchronously
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'present';
  const runs = Number(process.argv[3] ?? 10);
  const top = Number(process.argv[4] ?? 15);
  const make = { present: presentScenario, thp: thpScenario, mixed: mixedScenario, sparse: sparseScenario,
    fault: () => faultScenario('fault'), fault_write: () => faultScenario('fault_write') }[which];
  if (!make) throw new Error(`unknown workload ${which}`);
  const p = await loadParse();
  const r = await loadRun();
  if (!p.ok || !r.ok) throw new Error('core modules missing');
  const b = make();
  const s = parseOrThrow(p.api, b.text, b.file);
  const k = s.steps.findIndex((st) => st.op === 'walk');
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  const self = new Map<string, number>();
  let total = 0;
  let walkMs = 0;
  for (let i = 0; i < runs; i++) {
    let before = 0;
    r.api.runScenario(s, { maxPages: 1 << 26, onProgress: (done) => {
      if (done === k) { post(session, 'Profiler.start'); before = performance.now(); }
      if (done === k + 1) {
        walkMs += performance.now() - before;
        const { profile } = post<{ profile: Profile }>(session, 'Profiler.stop');
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        profile.samples.forEach((id, j) => {
          const n = byId.get(id)!;
          const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber + 1}`;
          const dt = profile.timeDeltas[j] ?? 0;
          self.set(key, (self.get(key) ?? 0) + dt);
          total += dt;
        });
      }
    } });
  }
  console.log(`${which}: walk ${(walkMs / runs).toFixed(2)} ms per run (${runs} runs, profiled)`);
  for (const [key, us] of [...self].sort((a, c) => c[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000 / runs).toFixed(2).padStart(8)} ms/run ${(100 * us / total).toFixed(1).padStart(5)} %  ${key}`);
  }
}

void main();
