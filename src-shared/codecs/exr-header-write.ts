/** Writes the OpenEXR magic, version and header attributes (required ones plus Rec.709 chromaticities). */
import type { LinearImage } from '../image/linear-image';
import { EXR_MAGIC, REC709_CHROMATICITIES } from './exr-format';

/** Header bytes grown as attributes are added (the header is small; pixels never go through this). */
class HeaderWriter {
  private bytes = new Uint8Array(512);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes);
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.bytes[this.length++] = v;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  /** ASCII name plus its terminating NUL (attribute and channel names are plain ASCII). */
  name(s: string): void {
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i) & 0x7f);
    this.u8(0);
  }
  attribute(name: string, type: string, size: number, write: () => void): void {
    this.name(name);
    this.name(type);
    this.i32(size);
    const start = this.length;
    write();
    if (this.length - start !== size) throw new Error(`EXR attribute ${name}: wrote ${this.length - start} bytes, declared ${size}`);
  }
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Channel names in the order the file stores them (alphabetical, as the format requires) and their source sample index. */
export function fileChannels(channels: 1 | 3 | 4): { name: string; src: number }[] {
  if (channels === 1) return [{ name: 'Y', src: 0 }];
  const rgb = [{ name: 'B', src: 2 }, { name: 'G', src: 1 }, { name: 'R', src: 0 }];
  return channels === 4 ? [{ name: 'A', src: 3 }, ...rgb] : rgb;
}

/** The header of a single-part scanline file for img, through the end-of-header NUL. */
export function writeExrHeader(img: LinearImage, pixelType: number, compression: number): Uint8Array {
  const h = new HeaderWriter();
  h.i32(EXR_MAGIC);
  h.i32(2); // version 2, single-part scanline, short names
  const chans = fileChannels(img.channels);
  const chlistSize = chans.reduce((n, c) => n + c.name.length + 1 + 16, 1);
  // Attributes in name order, as OpenEXR itself writes them.
  h.attribute('channels', 'chlist', chlistSize, () => {
    for (const c of chans) {
      h.name(c.name);
      h.i32(pixelType);
      h.u8(0); // pLinear
      h.u8(0);
      h.u8(0);
      h.u8(0);
      h.i32(1); // x sampling
      h.i32(1); // y sampling
    }
    h.u8(0);
  });
  h.attribute('chromaticities', 'chromaticities', 32, () => REC709_CHROMATICITIES.forEach((v) => h.f32(v)));
  h.attribute('compression', 'compression', 1, () => h.u8(compression));
  const box = (): void => [0, 0, img.width - 1, img.height - 1].forEach((v) => h.i32(v));
  h.attribute('dataWindow', 'box2i', 16, box);
  h.attribute('displayWindow', 'box2i', 16, box);
  h.attribute('lineOrder', 'lineOrder', 1, () => h.u8(0)); // INCREASING_Y
  h.attribute('pixelAspectRatio', 'float', 4, () => h.f32(1));
  h.attribute('screenWindowCenter', 'v2f', 8, () => [0, 0].forEach((v) => h.f32(v)));
  h.attribute('screenWindowWidth', 'float', 4, () => h.f32(1));
  h.u8(0); // end of header
  return h.result();
}
