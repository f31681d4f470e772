// temporary: min-of-N walk timings (robust to load); not part of the suite
import { loadParse, loadRun, parseOrThrow } from './lib/core';
import { fillFloor, packedLoopFloor, thpIdealLoop } from './lib/floors';
import { faultScenario, presentScenario, thpScenario, mixedScenario } from './scenarios';
async function main() {
  const p = await loadParse(); const r = await loadRun();
  if (!p.ok || !r.ok) throw new Error('load');
  const N = 262144;
  const which = (process.argv[2] ?? 'present,thp,fault,fault_write').split(',');
  const runs = Number(process.argv[3] ?? 15);
  const make: Record<string, () => { text: string; file: string }> = { present: presentScenario, thp: thpScenario, mixed: mixedScenario,
    fault: () => faultScenario('fault'), fault_write: () => faultScenario('fault_write') };
  const fl = fillFloor(N); const pk = packedLoopFloor(N); const ideal = thpIdealLoop(N);
  const minOf = (t: { minMs: number }) => t.minMs;
  console.log(`fill med ${fl.medianMs.toFixed(2)} min ${minOf(fl).toFixed(2)} | packed med ${pk.medianMs.toFixed(2)} min ${minOf(pk).toFixed(2)} | thpIdeal med ${ideal.medianMs.toFixed(2)}`);
  for (const w of which) {
    const b = make[w]();
    const s = parseOrThrow(p.api, b.text, b.file);
    const k = s.steps.findIndex((st) => st.op === 'walk');
    const ts: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t0 = 0;
      r.api.runScenario(s, { maxPages: 1 << 26, onProgress: (d) => { if (d === k) t0 = performance.now(); if (d === k + 1) ts.push(performance.now() - t0); } });
    }
    ts.sort((a, c) => a - c);
    console.log(`${w}: min ${ts[0].toFixed(2)} med ${ts[ts.length >> 1].toFixed(2)}  min/packedMin ${(ts[0] / minOf(pk)).toFixed(2)} min/fillMin ${(ts[0] / minOf(fl)).toFixed(2)}`);
  }
}
void main();
