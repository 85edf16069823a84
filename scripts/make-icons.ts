/**
 * Draws the app icon (a sun over a bracket of three exposure bars) into build/icon.png (1024 px,
 * macOS and Windows, converted by electron-builder) and build/icons/NxN.png (Linux).
 * Usage: npm run icons
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../src-shared/codecs/png';

function drawIcon(size: number): Uint8Array {
  const data = new Uint8Array(size * size * 4);
  const ss = 4; // supersampling per axis, for smooth edges
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (x + (sx + 0.5) / ss) / size;
          const v = (y + (sy + 0.5) / ss) / size;
          // Rounded square background.
          const q = 0.18;
          const dx = Math.max(Math.abs(u - 0.5) - (0.5 - q), 0);
          const dy = Math.max(Math.abs(v - 0.5) - (0.5 - q), 0);
          if (Math.hypot(dx, dy) > q - 0.02) continue;
          let pr = 0.09 + 0.06 * v, pg = 0.1 + 0.06 * v, pb = 0.13 + 0.07 * v;
          const d = Math.hypot(u - 0.5, v - 0.42);
          if (d < 0.2) {
            pr = 0.98; pg = 0.72 - d; pb = 0.25;
          }
          // Three bars, dark to bright: the bracket.
          for (let k = 0; k < 3; k++) {
            const x0 = 0.24 + k * 0.19;
            if (u > x0 && u < x0 + 0.14 && v > 0.68 && v < 0.78) {
              const l = 0.3 + 0.33 * k;
              pr = l; pg = l; pb = l;
            }
          }
          r += pr; g += pg; b += pb; a += 1;
        }
      }
      const n = ss * ss;
      const o = (y * size + x) * 4;
      if (a > 0) {
        data[o] = Math.round((255 * r) / a);
        data[o + 1] = Math.round((255 * g) / a);
        data[o + 2] = Math.round((255 * b) / a);
      }
      data[o + 3] = Math.round((255 * a) / n);
    }
  }
  return encodePng({ width: size, height: size, channels: 4, bits: 8, data });
}

const root = join(import.meta.dirname, '../build');
mkdirSync(join(root, 'icons'), { recursive: true });
writeFileSync(join(root, 'icon.png'), drawIcon(1024));
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(join(root, 'icons', `${size}x${size}.png`), drawIcon(size));
console.log('wrote build/icon.png and build/icons/*.png');
