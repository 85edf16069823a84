/**
 * OpenCV's radiance merge, the reference the radiance benches compare with: CalibrateDebevec (its own
 * response recovery) and MergeDebevec on image files, through Debian's python3-opencv.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `
import sys, json, numpy as np, cv2
cfg = json.load(open(sys.argv[1]))
imgs = [cv2.imread(p, cv2.IMREAD_COLOR) for p in cfg['files']]
times = np.array(cfg['times'], dtype=np.float32)
resp = cv2.createCalibrateDebevec().process(imgs, times)
hdr = cv2.createMergeDebevec().process(imgs, times, resp)
hdr[..., ::-1].astype('<f4').tofile(cfg['out'])
`;

/** The radiance map OpenCV merges from `files` shot for `times` seconds: interleaved RGB float32, the files' size. `work` is a scratch folder. */
export function openCvDebevec(files: readonly string[], times: readonly number[], work: string): Float32Array {
  const out = join(work, 'cv.f32');
  writeFileSync(join(work, 'cfg.json'), JSON.stringify({ files, times, out }));
  writeFileSync(join(work, 'cv.py'), SCRIPT);
  const r = spawnSync('/usr/bin/python3', [join(work, 'cv.py'), join(work, 'cfg.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`OpenCV merge failed: ${r.stderr}`);
  const buf = readFileSync(out);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}
