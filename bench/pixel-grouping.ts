/**
 * Grouping files that carry no exposure data by their pixels (src-shared/bracket/pixel-group.ts), measured on
 * ../shared (whose files have none: the brackets' times live in exposures.tsv, the triplets have no metadata).
 *
 * 1. The scene test (ProbeMatch.structure): frames of one bracket (1 and 2 apart in exposure order) against
 *    pairs of different photographs (every pair of frames of two scenes of the same shape), and against the hard
 *    case: one place framed differently, crops of ../shared's radiance panoramas rendered as 8-bit frames a stop
 *    apart, the window moved by 1-2 % of its width (a handheld bracket: one scene) to 5-40 % (reframed).
 * 2. groupFiles on one flat folder of every file, named in sequence scene after scene (a card of exports): the
 *    brackets found, frames grouped per scene, and groups that join two scenes (must be none), beside what a batch
 *    tool offers for files without metadata (every N consecutive files one bracket). Timed against the same call
 *    without the pixel pass.
 *
 * 3. Speed on camera-sized files: `--jpegs N` (default 30) EXIF-less 6000x4000 JPEGs (q90), brackets of three of
 *    different crops of one radiance map, upscaled from 375x250 with grain added; groupFiles with and without the pixel pass, and
 *    the brackets it finds.
 *
 *   npx tsx bench/pixel-grouping.ts [--jpegs 30]          (needs ../shared; about two minutes)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compareProbes, probeFromImage, SAME_SCENE_STRUCTURE, type PixelProbe } from '../src-shared/bracket/pixel-probe';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import type { LinearImage } from '../src-shared/image/linear-image';
import { groupFiles } from '../src-main/services/group-service';
import { readProbe } from '../src-main/services/pixel-probe-read';

const SHARED = resolve(import.meta.dirname, '../../shared/datasets');
if (!existsSync(SHARED)) throw new Error(`no datasets at ${SHARED}: this benchmark reads ../shared`);

interface Scene {
  name: string;
  /** Darkest to brightest. */
  files: string[];
}

function scenes(): Scene[] {
  const out: Scene[] = [];
  for (const d of readdirSync(join(SHARED, 'brackets')).sort()) {
    const rows = readFileSync(join(SHARED, 'brackets', d, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    rows.sort((a, b) => Number(a[1]) - Number(b[1]));
    out.push({ name: d, files: rows.map((r) => join(SHARED, 'brackets', d, r[0])) });
  }
  for (const d of readdirSync(join(SHARED, 'triplets')).sort()) out.push({ name: d, files: ['1.jpg', '2.jpg', '3.jpg'].map((f) => join(SHARED, 'triplets', d, f)) });
  return out;
}

/** A window of a radiance map as an 8-bit sRGB camera frame `stops` from a mid-grey exposure. */
function renderCrop(hdr: LinearImage, x0: number, y0: number, w: number, h: number, stops: number, scale: number): LinearImage {
  const data = new Float32Array(w * h * 3);
  const gain = scale * 2 ** stops;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const v = Math.min(1, Math.max(0, hdr.data[((y0 + y) * hdr.width + x0 + x) * 3 + c] * gain));
        const code = Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255) / 255;
        data[(y * w + x) * 3 + c] = code <= 0.04045 ? code / 12.92 : ((code + 0.055) / 1.055) ** 2.4;
      }
    }
  }
  return { width: w, height: h, channels: 3, data, ev: null, meta: { clipLevel: 1 } };
}

const all = scenes();
const probes = new Map<string, PixelProbe>();
for (const s of all) for (const f of s.files) probes.set(f, await readProbe(f));

// 1. The scene test: each kind of pair, its structure correlation (the test) and rank correlation (reported).
const kinds = new Map<string, { structure: number[]; rank: number[]; incomparable: number }>();
function record(kind: string, a: PixelProbe, b: PixelProbe): void {
  const row = kinds.get(kind) ?? { structure: [], rank: [], incomparable: 0 };
  kinds.set(kind, row);
  const m = compareProbes(a, b);
  if (!m || !Number.isFinite(m.structure)) {
    row.incomparable++;
    return;
  }
  row.structure.push(m.structure);
  row.rank.push(m.correlation);
}
for (const s of all) {
  for (const gap of [1, 2]) {
    for (let i = 0; i + gap < s.files.length; i++) record(`one bracket, ${gap} apart in exposure`, probes.get(s.files[i])!, probes.get(s.files[i + gap])!);
  }
}
for (let a = 0; a < all.length; a++) {
  for (let b = a + 1; b < all.length; b++) {
    for (const fa of all[a].files) for (const fb of all[b].files) record('different photographs', probes.get(fa)!, probes.get(fb)!);
  }
}
const hdrDir = join(SHARED, 'radiance');
for (const f of readdirSync(hdrDir).filter((n) => n.endsWith('.hdr')).sort()) {
  const hdr = decodeHdr(new Uint8Array(readFileSync(join(hdrDir, f))), f);
  const w = 480;
  const h = 320;
  const y0 = Math.floor((hdr.height - h) / 2);
  for (let x0 = 0; x0 + 1.4 * w <= hdr.width; x0 += 128) {
    // Exposed so the window's median luminance is mid-grey.
    const lum: number[] = [];
    for (let y = y0; y < y0 + h; y += 4) for (let x = x0; x < x0 + w; x += 4) lum.push(hdr.data[(y * hdr.width + x) * 3 + 1]);
    lum.sort((p, q) => p - q);
    const scale = 0.18 / Math.max(1e-6, lum[lum.length >> 1]);
    const base = probeFromImage(renderCrop(hdr, x0, y0, w, h, 0, scale));
    for (const shift of [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4]) {
      for (const stops of [1, -1]) record(`one place, moved ${shift * 100} % of the width, 1 stop apart`, base, probeFromImage(renderCrop(hdr, x0 + Math.round(shift * w), y0, w, h, stops, scale)));
    }
  }
}
const q = (values: number[], p: number): string => {
  const v = [...values].sort((x, y) => x - y);
  return v.length ? v[Math.min(v.length - 1, Math.floor(p * (v.length - 1)))].toFixed(3) : '-';
};
console.log(`| pairs | n | structure: min / 5 % / median / max | at or above ${SAME_SCENE_STRUCTURE} (one scene) | rank correlation: min / median / max | too dark or bright to compare |`);
console.log('|---|---|---|---|---|---|');
for (const [kind, r] of kinds) {
  const same = r.structure.filter((v) => v >= SAME_SCENE_STRUCTURE).length;
  console.log(`| ${kind} | ${r.structure.length} | ${q(r.structure, 0)} / ${q(r.structure, 0.05)} / ${q(r.structure, 0.5)} / ${q(r.structure, 1)} | ${same} | ${q(r.rank, 0)} / ${q(r.rank, 0.5)} / ${q(r.rank, 1)} | ${r.incomparable} |`);
}

// 2. One flat folder, scene after scene.
const flat = mkdtempSync(join(tmpdir(), 'luxfuse-pixel-grouping-'));
const sceneOf = new Map<string, string>();
try {
  let k = 0;
  for (const s of all) {
    // A card lists a bracket in shooting order; ../shared's order is the file names' (darkest first for triplets).
    for (const f of [...s.files].sort()) {
      const link = join(flat, `IMG_${String(++k).padStart(4, '0')}${f.slice(f.lastIndexOf('.'))}`);
      symlinkSync(f, link);
      sceneOf.set(link, s.name);
    }
  }
  const t0 = performance.now();
  const plain = await groupFiles([flat], { pixels: false });
  const t1 = performance.now();
  const result = await groupFiles([flat]);
  const t2 = performance.now();
  let joined = 0;
  const perScene = new Map<string, { frames: number; grouped: number; groups: number }>();
  for (const s of all) perScene.set(s.name, { frames: s.files.length, grouped: 0, groups: 0 });
  for (const g of result.groups) {
    const names = new Set(g.files.map((f) => sceneOf.get(f)));
    if (names.size > 1) joined++;
    const row = perScene.get(sceneOf.get(g.files[0])!)!;
    row.groups++;
    row.grouped += g.files.length;
  }
  console.log(`\n${k} files in one folder: ${result.groups.length} brackets, ${result.ungrouped.length} ungrouped, ${joined} joining two scenes`);
  console.log(`groupFiles ${(t2 - t1).toFixed(0)} ms with the pixel pass, ${(t1 - t0).toFixed(0)} ms without (${plain.groups.length} brackets)`);
  // The baseline a batch tool offers for files without metadata: every N consecutive files are one bracket.
  const names = [...sceneOf.keys()];
  for (const n of [3, 5]) {
    let crossing = 0;
    let whole = 0;
    for (let i = 0; i < names.length; i += n) {
      const chunk = names.slice(i, i + n).map((f) => sceneOf.get(f));
      if (new Set(chunk).size > 1) crossing++;
      else if (chunk.length === all.find((s) => s.name === chunk[0])!.files.length) whole++;
    }
    console.log(`baseline, every ${n} files one bracket: ${Math.ceil(names.length / n)} brackets, ${crossing} joining two scenes, ${whole} whole scenes`);
  }
  const whole = result.groups.filter((g) => g.files.length === all.find((s) => s.name === sceneOf.get(g.files[0]))!.files.length).length;
  console.log(`pixels: ${whole} whole scenes`);
  console.log('| scene | frames | grouped | brackets |\n|---|---|---|---|');
  for (const [name, r] of perScene) console.log(`| ${name} | ${r.frames} | ${r.grouped} | ${r.groups} |`);
} finally {
  rmSync(flat, { recursive: true, force: true });
}

// 3. Camera-sized JPEGs without EXIF.
const jpegArg = process.argv.indexOf('--jpegs');
const JPEGS = jpegArg >= 0 ? Math.max(3, Number(process.argv[jpegArg + 1]) || 30) : 30;
const big = mkdtempSync(join(tmpdir(), 'luxfuse-pixel-grouping-24mp-'));
try {
  const hdrName = readdirSync(hdrDir).filter((n) => n.endsWith('.hdr')).sort()[0];
  const hdr = decodeHdr(new Uint8Array(readFileSync(join(hdrDir, hdrName))), hdrName);
  const w = 375;
  const h = 250;
  const y0 = Math.floor((hdr.height - h) / 2);
  const brackets = Math.ceil(JPEGS / 3);
  let written = 0;
  let bytes = 0;
  for (let b = 0; b < brackets && written < JPEGS; b++) {
    const x0 = Math.round((b * (hdr.width - w)) / Math.max(1, brackets - 1));
    for (const stops of [-2, 0, 2]) {
      if (written >= JPEGS) break;
      const img = renderCrop(hdr, x0, y0, w, h, stops, 0.5);
      const rgb = Buffer.from(Array.from(img.data, (v) => Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255)));
      // Upscaled, then sensor-like grain (+-10 levels), so the files are camera-sized, not a smooth few hundred kB.
      const up = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).resize(6000, 4000, { kernel: 'cubic' }).raw().toBuffer();
      let seed = written + 1;
      for (let i = 0; i < up.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        up[i] = Math.max(0, Math.min(255, up[i] + ((seed >>> 16) % 21) - 10));
      }
      const jpeg = await sharp(up, { raw: { width: 6000, height: 4000, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
      bytes += jpeg.length;
      writeFileSync(join(big, `DSC_${String(++written).padStart(4, '0')}.jpg`), jpeg);
    }
  }
  const t0 = performance.now();
  const plain = await groupFiles([big], { pixels: false });
  const t1 = performance.now();
  const looked = await groupFiles([big]);
  const t2 = performance.now();
  const threes = looked.groups.filter((g) => g.files.length === 3).length;
  console.log(
    `\n${written} EXIF-less 6000x4000 JPEGs (${(bytes / written / 2 ** 20).toFixed(1)} MiB each on average; a camera's are 8-12): groupFiles ${((t2 - t1) / 1000).toFixed(2)} s with the pixel pass (${((t2 - t1) / written).toFixed(0)} ms a file), ` +
      `${((t1 - t0) / 1000).toFixed(2)} s without (${plain.groups.length} brackets); ${looked.groups.length} brackets found (${threes} of 3 frames, ${Math.floor(written / 3)} written), ${looked.ungrouped.length} ungrouped`,
  );
} finally {
  rmSync(big, { recursive: true, force: true });
}
