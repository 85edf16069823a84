/** `--tiff`: the display image as a 16-bit RGB TIFF — the same picture as the 8-bit outputs, finer steps, with ICC and EXIF, readable by libtiff. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { decode as decodePngSamples } from 'fast-png';
import { externalCommand, opencvTool, runOpencv, run, tempDir } from '../../helpers/external-tools';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const frames = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));
const tmp = tempDir();
afterAll(tmp.cleanup);
const opencv = opencvTool();
const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');

/** The 16-bit samples of our TIFF, read by utif2 (independent of our decoder's conversion to linear). */
function tiffSamples(path: string): { width: number; height: number; data: Uint16Array; tags: Record<string, unknown> } {
  const bytes = readFileSync(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const [ifd] = UTIF.decode(buffer);
  UTIF.decodeImage(buffer, ifd);
  const raw = ifd.data as Uint8Array;
  return { width: ifd.width, height: ifd.height, data: new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2), tags: ifd as unknown as Record<string, unknown> };
}

describe('luxfuse merge --tiff', () => {
  const tif = join(tmp.dir, 'merge.tif');
  const png = join(tmp.dir, 'merge.png');

  it('writes the same picture as the PNG at 16 bits, with more distinct levels, an ICC profile and EXIF', async () => {
    let err = '';
    const code = await runCli(['merge', ...frames, '--method', 'radiance', '--align', 'off', '--tiff', tif, '--png', png], { out: () => undefined, err: (t) => (err += t) });
    expect(code, err).toBe(0);
    const t = tiffSamples(tif);
    const p = decodePngSamples(new Uint8Array(readFileSync(png)));
    expect(p.channels).toBe(3);
    expect([t.width, t.height]).toEqual([p.width, p.height]);
    expect(t.tags.t258).toEqual([16, 16, 16]);
    expect(t.tags.t259).toEqual([8]); // Deflate
    expect(t.tags.t34675).toBeDefined(); // ICC profile
    expect(t.tags.exifIFD).toBeDefined();
    // Each 16-bit sample, brought to 8 bits, is the PNG's sample within one code (both round the same float).
    let worst = 0;
    const levels16 = new Set<number>();
    const levels8 = new Set<number>();
    for (let i = 0; i < t.data.length; i++) {
      worst = Math.max(worst, Math.abs(t.data[i] / 257 - p.data[i]));
      if (i % 3 === 1) {
        levels16.add(t.data[i]);
        levels8.add(p.data[i]);
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(levels16.size).toBeGreaterThan(4 * levels8.size);
  }, 60_000);

  it.skipIf(opencv.skip)(opencv.title('libtiff (through OpenCV) reads it as 16-bit RGB with our values'), () => {
    opencv.requireAvailable();
    const out = runOpencv(
      'import cv2,sys; a=cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED); print(a.dtype, a.shape[1], a.shape[0], int(a[10,20,2]), int(a[10,20,1]), int(a[10,20,0]))',
      [tif],
    ).stdout.trim().split(' ');
    const t = tiffSamples(tif);
    const at = (10 * t.width + 20) * 3;
    expect(out).toEqual(['uint16', String(t.width), String(t.height), String(t.data[at]), String(t.data[at + 1]), String(t.data[at + 2])]);
  });

  it.skipIf(exiftool.skip)(exiftool.title('exiftool finds the shot data and the sRGB profile'), () => {
    exiftool.requireAvailable();
    const tags = JSON.parse(run('exiftool', ['-json', '-ExposureTime', '-Software', '-ProfileDescription', '-BitsPerSample', tif]).stdout)[0];
    expect(tags.Software).toMatch(/Luxfuse/);
    expect(String(tags.ProfileDescription)).toMatch(/sRGB/i);
    expect(tags.BitsPerSample).toBe('16 16 16');
    expect(tags.ExposureTime).toBeDefined();
  });
});
