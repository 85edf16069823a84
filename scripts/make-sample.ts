/**
 * Renders the bundled sample bracket (resources/samples/sample-{1,2,3}.jpg): a procedural
 * high-dynamic-range interior — a window onto a sky with the sun, brick walls, a sunlit floor
 * patch, deep shadow under a table — photographed at 1/1000, 1/125 and 1/15 s (3 stops apart) with real EXIF.
 * Deterministic: the same files on every run. Usage: npm run sample [-- OUT_DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeJpeg } from '../src-shared/codecs/jpeg';
import type { ExifFields } from '../src-shared/codecs/exif-write';
import { linearToSrgb } from '../src-shared/image/srgb';
import { mulberry32 } from '../src-shared/random';

const WIDTH = 1200;
const HEIGHT = 800;
const TIMES = [1 / 1000, 1 / 125, 1 / 15];
/** Seconds of the middle frame at which scene radiance 0.18 becomes pixel value 0.18. */
const BASE_TIME = 1 / 60;

/** Smooth value noise in [0,1], for wood grain and plaster. */
function valueNoise(seed: number, cells: number): (x: number, y: number) => number {
  const rand = mulberry32(seed);
  const n = cells + 1;
  const grid = new Float32Array(n * n).map(() => rand());
  return (x, y) => {
    const gx = x * cells;
    const gy = y * cells;
    const x0 = Math.min(cells - 1, Math.floor(gx));
    const y0 = Math.min(cells - 1, Math.floor(gy));
    const fx = gx - x0;
    const fy = gy - y0;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const a = grid[y0 * n + x0] + (grid[y0 * n + x0 + 1] - grid[y0 * n + x0]) * sx;
    const b = grid[(y0 + 1) * n + x0] + (grid[(y0 + 1) * n + x0 + 1] - grid[(y0 + 1) * n + x0]) * sx;
    return a + (b - a) * sy;
  };
}

/** Scene radiance (linear RGB, 0.18 = mid-grey) of the whole frame. */
export function renderScene(width = WIDTH, height = HEIGHT): Float32Array {
  const out = new Float32Array(width * height * 3);
  const plaster = valueNoise(7, 64);
  const grain = valueNoise(11, 24);
  const clouds = valueNoise(23, 12);
  const win = { x0: 0.52, x1: 0.86, y0: 0.12, y1: 0.58 };
  const sun = { x: 0.74, y: 0.24, r: 0.012 };
  const floorY = 0.72;
  for (let j = 0; j < height; j++) {
    const y = j / height;
    for (let i = 0; i < width; i++) {
      const x = i / width;
      let r: number, g: number, b: number;
      const inWindow = x > win.x0 && x < win.x1 && y > win.y0 && y < win.y1;
      const mullion = inWindow && (Math.abs(x - (win.x0 + win.x1) / 2) < 0.006 || Math.abs(y - (win.y0 + win.y1) / 2) < 0.008);
      if (inWindow && !mullion) {
        // Sky: bright blue gradient with clouds, and the sun with its glow (10^4 above mid-grey).
        const t = (y - win.y0) / (win.y1 - win.y0);
        const cloud = Math.max(0, clouds(x, y) - 0.45) * 2.2;
        r = 1.6 + 2.4 * t + 6 * cloud;
        g = 2.6 + 2.6 * t + 6 * cloud;
        b = 6.5 + 1.5 * t + 6 * cloud;
        const d = Math.hypot((x - sun.x) * (width / height), y - sun.y);
        const glow = 40 * Math.exp(-d / 0.03) + (d < sun.r ? 2000 : 0);
        r += glow;
        g += glow * 0.95;
        b += glow * 0.85;
        // Distant rooftops along the bottom of the view, in sunlight.
        if (t > 0.8 + 0.06 * Math.sin(x * 90)) {
          r = 1.1;
          g = 0.8;
          b = 0.6;
        }
      } else if (y > floorY) {
        // Wooden floor with grain; a patch of direct sun below the window; shadow under a table.
        const w = 0.5 + 0.5 * Math.sin((x * 40 + grain(x, y) * 6) * Math.PI);
        const plank = Math.abs(((x * 9) % 1) - 0.5) > 0.48 ? 0.4 : 1;
        const base = 0.05 * (0.7 + 0.3 * w) * plank;
        const patch = x > 0.5 && x < 0.82 && y > 0.78 && y < 0.95 ? 30 : 1;
        const underTable = x > 0.08 && x < 0.4 && y > 0.74 && y < 0.9 ? 0.06 : 1;
        r = base * 1.3 * patch * underTable;
        g = base * 0.9 * patch * underTable;
        b = base * 0.55 * patch * underTable;
      } else {
        // Brick wall lit by the window: falls off away from it; mortar lines and plaster texture.
        const rowH = 0.035;
        const row = Math.floor(y / rowH);
        const bx = (x * 16 + (row % 2) * 0.5) % 1;
        const mortar = y % rowH < 0.004 || bx < 0.03;
        const light = 0.03 + 0.25 * Math.exp(-Math.hypot(x - 0.69, y - 0.35) / 0.35);
        const tex = 0.75 + 0.5 * plaster(x, y);
        const k = light * tex * (mortar ? 1.25 : 1) * (mullion ? 0.15 : 1);
        r = k * (mortar ? 0.8 : 0.9);
        g = k * (mortar ? 0.78 : 0.45);
        b = k * (mortar ? 0.74 : 0.35);
        // A table: dark top and legs against the wall.
        const table = (y > 0.6 && y < 0.62 && x > 0.06 && x < 0.42) || (y >= 0.62 && (Math.abs(x - 0.09) < 0.008 || Math.abs(x - 0.39) < 0.008));
        if (table) {
          r = 0.012;
          g = 0.009;
          b = 0.007;
        }
      }
      const o = (j * width + i) * 3;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    }
  }
  return out;
}

/** One exposure: scale, photon + read noise, clip, sRGB encode, 8 bits. */
export function photograph(scene: Float32Array, width: number, height: number, time: number, seed: number): Uint8ClampedArray {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const scale = time / BASE_TIME;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, o = 0; p < scene.length; p += 3, o += 4) {
    for (let c = 0; c < 3; c++) {
      const v = scene[p + c] * scale;
      const noisy = v + gauss() * Math.sqrt(0.00002 * v + 0.000004);
      rgba[o + c] = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, noisy))));
    }
    rgba[o + 3] = 255;
  }
  return rgba;
}

function exifFor(index: number, time: number): ExifFields {
  return {
    exposureTime: time,
    fNumber: 8,
    iso: 100,
    exposureBias: Math.round(Math.log2(time / BASE_TIME) * 3) / 3,
    exposureMode: 2,
    dateTimeOriginal: `2026:06:21 18:30:0${index}`,
    subSecTimeOriginal: '25',
    offsetTimeOriginal: '+02:00',
    make: 'Luxfuse',
    model: 'Procedural Camera',
    lensModel: 'Procedural 35mm f/2',
    focalLength: 35,
    software: 'luxfuse scripts/make-sample.ts',
  };
}

function main(): void {
  const outDir = resolve(process.argv[2] ?? join(import.meta.dirname, '../resources/samples'));
  mkdirSync(outDir, { recursive: true });
  const scene = renderScene();
  TIMES.forEach((time, i) => {
    const pixels = photograph(scene, WIDTH, HEIGHT, time, 1000 + i);
    const jpeg = encodeJpeg({ width: WIDTH, height: HEIGHT, data: pixels }, { quality: 92, exif: exifFor(i, time) });
    const file = join(outDir, `sample-${i + 1}.jpg`);
    writeFileSync(file, jpeg);
    console.log(`wrote ${file} (${(jpeg.length / 1024).toFixed(0)} KB, 1/${Math.round(1 / time)} s)`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) main();
