/** Writes small brackets of the procedural sample scene for tests: JPEG with EXIF, or PNG without. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeJpeg } from '../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../src-shared/codecs/png';
import { photograph, renderScene } from '../../../scripts/make-sample';

export const FIXTURE_TIMES = [1 / 250, 1 / 60, 1 / 15];

export function writeBracket(
  dir: string,
  options: { width?: number; height?: number; format?: 'jpeg' | 'png'; prefix?: string; /** Minute of the capture time, so brackets written one after another are minutes apart. */ minute?: number } = {},
): string[] {
  const { width = 160, height = 112, format = 'jpeg', prefix = 'frame', minute = 0 } = options;
  const scene = renderScene(width, height);
  return FIXTURE_TIMES.map((time, i) => {
    const rgba = photograph(scene, width, height, time, 50 + i);
    const path = join(dir, `${prefix}-${i + 1}.${format === 'jpeg' ? 'jpg' : 'png'}`);
    const bytes =
      format === 'jpeg'
        ? encodeJpeg({ width, height, data: rgba }, { quality: 95, exif: { exposureTime: time, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test', dateTimeOriginal: `2026:01:01 12:${String(minute).padStart(2, '0')}:0${i}` } })
        : encodePng({ width, height, channels: 4, bits: 8, data: rgba });
    writeFileSync(path, bytes);
    return path;
  });
}
