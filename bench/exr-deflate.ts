/**
 * EXR ZIP encoding with the portable JS coder (zlibRle) against zlib's native run-length deflate
 * (what Node entry points install, src-main/services/native-zlib.ts): time and size on one radiance map,
 * both files decoded back and compared. Default input: the bench's procedural scene at 6000x4000
 * (its radiance, exposure 1); or an EXR given on the command line.
 * Usage: npx tsx bench/exr-deflate.ts [file.exr] [--runs 3]
 */
import { readFileSync } from 'node:fs';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodeExr } from '../src-shared/codecs/exr';
import { portableZlib, setZlibBackend } from '../src-shared/codecs/zlib-backend';
import type { LinearImage } from '../src-shared/image/linear-image';
import { nativeZlib } from '../src-main/services/native-zlib';
import { renderScene } from '../scripts/make-sample';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const file = args.find((a) => a.endsWith('.exr'));

function input(): LinearImage {
  if (file) return decodeImage(new Uint8Array(readFileSync(file)), file);
  const [width, height] = [6000, 4000];
  return { width, height, channels: 3, data: renderScene(width, height), ev: 0, meta: {} };
}

const image = input();
const rows: string[] = [];
const decoded: Float32Array[] = [];
for (const [name, backend] of [['zlibRle (portable JS)', portableZlib], ['zlib Z_RLE (native)', nativeZlib]] as const) {
  setZlibBackend(backend);
  const times: number[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    bytes = encodeExr(image, { compression: 'zip' });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  decoded.push(decodeImage(bytes, 'check.exr').data);
  rows.push(`| ${name} | ${(times[runs >> 1] / 1000).toFixed(2)} s | ${(bytes.length / 1e6).toFixed(1)} MB |`);
}
const same = decoded[0].length === decoded[1].length && decoded[0].every((v, i) => Object.is(v, decoded[1][i]));
console.log(`${file ?? 'procedural scene 6000x4000'}, half float, ZIP, median of ${runs} encodes (header + blocks, no file write):\n`);
console.log('| coder | encode | size |\n|---|---|---|\n' + rows.join('\n'));
console.log(`\nsame pixels back: ${same}`);
if (!same) process.exitCode = 1;
