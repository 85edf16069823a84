// npx tsx bench/ghost-rethreshold.ts [FRAME...]: what keeping fewer full-size ghost detections costs the app. The engine's
// GhostDetections on a bracket (default tmp/prof/big-{0,1,2}.tif, 3 x 24 MP, as bench/preview-latency.ts), reference 1:
// the first detection (the judge network), another threshold, then the first threshold again, kept (the default budget)
// or made again from the judge's kept probabilities (keptBytes 0: what a large bracket's full-size stage did while each
// detection held its masks and uncertainty at full size, about 170 MB at 24 MP; now it keeps them, at the judge's working size).
import { resolve } from 'node:path';
import { readBracket } from '../src-main/services/frames';
import { GhostDetections } from '../src-main/services/ghost-detections';
import { planeBytes } from '../src-shared/image/scaled-plane';

const given = process.argv.slice(2);
const files = given.length > 0 ? given.map((f) => resolve(f)) : [0, 1, 2].map((i) => resolve(import.meta.dirname, `../tmp/prof/big-${i}.tif`));
const frames = await readBracket(files);
console.log(`${frames.length} x ${frames[0].width}x${frames[0].height}`);
for (const keptBytes of [undefined, 0]) {
  const detections = new GhostDetections(frames, 'judge', keptBytes === undefined ? {} : { keptBytes });
  const times: string[] = [];
  for (const [label, threshold] of [['first', 1.4], ['threshold 2.0', 2.0], ['back to 1.4', 1.4]] as const) {
    const started = performance.now();
    const d = await detections.detect(1, threshold);
    let bytes = planeBytes(d.mask) + planeBytes(d.uncertainty);
    for (const m of d.frameMasks) bytes += m ? planeBytes(m) : 0;
    times.push(`${label} ${(performance.now() - started).toFixed(0)} ms (${(bytes / 2 ** 20).toFixed(2)} MiB)`);
  }
  console.log(`${keptBytes === undefined ? 'default budget' : 'keptBytes 0'}: ${times.join(', ')}`);
}
