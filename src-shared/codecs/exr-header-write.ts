/** Writes the OpenEXR magic, version and header attributes (required ones, Rec.709 chromaticities, optional standard metadata). */
import type { LinearImage } from '../image/linear-image';
import { EXR_MAGIC, REC709_CHROMATICITIES } from './exr-format';
import { utf8Bytes } from './utf8';

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
  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
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

/**
 * Optional header attributes, named as OpenEXR's standard attributes (ImfStandardAttributes.h) so compositors
 * and viewers show them; `software` is a plain string attribute of that name.
 */
export interface ExrMetadata {
  /** Local capture time, 'YYYY:MM:DD HH:MM:SS' (as EXIF DateTimeOriginal). */
  capDate?: string;
  /** Universal time minus local time, in seconds (EXIF offset +02:00 is -7200). */
  utcOffset?: number;
  /** Exposure time in seconds. */
  expTime?: number;
  /** Lens f-number. */
  aperture?: number;
  /** ISO speed of the film or sensor. */
  isoSpeed?: number;
  /** Luminance in cd/m2 of RGB (1, 1, 1). */
  whiteLuminance?: number;
  owner?: string;
  comments?: string;
  software?: string;
}

function utf8(s: string): Uint8Array {
  return new Uint8Array(utf8Bytes(s));
}

interface Attribute {
  name: string;
  type: string;
  size: number;
  write: () => void;
}

/** Checked metadata attributes (strings and floats) for the header writer. */
function metadataAttributes(h: HeaderWriter, m: ExrMetadata): Attribute[] {
  const out: Attribute[] = [];
  const text = (name: string, v: string | undefined): void => {
    if (v === undefined) return;
    if (typeof v !== 'string') throw new RangeError(`EXR ${name} must be a string`);
    const b = utf8(v);
    out.push({ name, type: 'string', size: b.length, write: () => h.raw(b) });
  };
  const float = (name: string, v: number | undefined, positive: boolean): void => {
    if (v === undefined) return;
    if (!Number.isFinite(v) || (positive && !(v > 0))) throw new RangeError(`EXR ${name} must be a ${positive ? 'positive' : 'finite'} number, got ${v}`);
    out.push({ name, type: 'float', size: 4, write: () => h.f32(v) });
  };
  if (m.capDate !== undefined && !/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(m.capDate)) {
    throw new RangeError(`EXR capDate must be 'YYYY:MM:DD HH:MM:SS', got ${JSON.stringify(m.capDate)}`);
  }
  text('capDate', m.capDate);
  float('utcOffset', m.utcOffset, false);
  float('expTime', m.expTime, true);
  float('aperture', m.aperture, true);
  float('isoSpeed', m.isoSpeed, true);
  float('whiteLuminance', m.whiteLuminance, true);
  text('owner', m.owner);
  text('comments', m.comments);
  text('software', m.software);
  return out;
}

/** The header of a single-part scanline file for img, through the end-of-header NUL. */
export function writeExrHeader(img: LinearImage, pixelType: number, compression: number, metadata: ExrMetadata = {}): Uint8Array {
  const h = new HeaderWriter();
  h.i32(EXR_MAGIC);
  h.i32(2); // version 2, single-part scanline, short names
  const chans = fileChannels(img.channels);
  const chlistSize = chans.reduce((n, c) => n + c.name.length + 1 + 16, 1);
  const box = (): void => [0, 0, img.width - 1, img.height - 1].forEach((v) => h.i32(v));
  const attributes: Attribute[] = [
    {
      name: 'channels',
      type: 'chlist',
      size: chlistSize,
      write: () => {
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
      },
    },
    { name: 'chromaticities', type: 'chromaticities', size: 32, write: () => REC709_CHROMATICITIES.forEach((v) => h.f32(v)) },
    { name: 'compression', type: 'compression', size: 1, write: () => h.u8(compression) },
    { name: 'dataWindow', type: 'box2i', size: 16, write: box },
    { name: 'displayWindow', type: 'box2i', size: 16, write: box },
    { name: 'lineOrder', type: 'lineOrder', size: 1, write: () => h.u8(0) }, // INCREASING_Y
    { name: 'pixelAspectRatio', type: 'float', size: 4, write: () => h.f32(1) },
    { name: 'screenWindowCenter', type: 'v2f', size: 8, write: () => [0, 0].forEach((v) => h.f32(v)) },
    { name: 'screenWindowWidth', type: 'float', size: 4, write: () => h.f32(1) },
    ...metadataAttributes(h, metadata),
  ];
  // In name order (byte order, as OpenEXR's own writer sorts them).
  attributes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const a of attributes) h.attribute(a.name, a.type, a.size, a.write);
  h.u8(0); // end of header
  return h.result();
}
