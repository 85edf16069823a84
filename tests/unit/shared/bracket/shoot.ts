/** A pretend camera for grouping tests: each shutter press makes a ShotInfo the way real bodies tag them. */
import type { ShotInfo } from '../../../../src-shared/bracket/shot-info';

export interface Body {
  make: string;
  model: string;
  serial?: string;
  lensModel?: string;
  focalLength?: number;
  width?: number;
  height?: number;
  /** File name prefix and extension, e.g. DSC_ and NEF. */
  prefix: string;
  ext: string;
  folder?: string;
}

export const D750: Body = {
  make: 'NIKON CORPORATION',
  model: 'NIKON D750',
  serial: '3012345',
  lensModel: '24.0-70.0 mm f/2.8',
  focalLength: 24,
  width: 6016,
  height: 4016,
  prefix: 'DSC_',
  ext: 'NEF',
  folder: 'shoot',
};

export const R5: Body = {
  make: 'Canon',
  model: 'Canon EOS R5',
  serial: '082021001234',
  lensModel: 'RF24-105mm F4 L IS USM',
  focalLength: 35,
  width: 8192,
  height: 5464,
  prefix: 'IMG_',
  ext: 'CR3',
  folder: 'shoot',
};

/** Nominal shutter speeds one third of a stop apart, as cameras write them. */
const SPEEDS = [
  30, 25, 20, 15, 13, 10, 8, 6, 5, 4, 3.2, 2.5, 2, 1.6, 1.3, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 1 / 4, 1 / 5, 1 / 6, 1 / 8, 1 / 10,
  1 / 13, 1 / 15, 1 / 20, 1 / 25, 1 / 30, 1 / 40, 1 / 50, 1 / 60, 1 / 80, 1 / 100, 1 / 125, 1 / 160, 1 / 200, 1 / 250,
  1 / 320, 1 / 400, 1 / 500, 1 / 640, 1 / 800, 1 / 1000, 1 / 1250, 1 / 1600, 1 / 2000, 1 / 2500, 1 / 3200, 1 / 4000,
  1 / 5000, 1 / 6400, 1 / 8000,
];

/** The nominal speed `stops` brighter than `base` (a nominal speed on the same list). */
export function speed(base: number, stops: number): number {
  const i = SPEEDS.findIndex((s) => Math.abs(Math.log2(s / base)) < 0.05);
  if (i < 0) throw new Error(`not a nominal speed: ${base}`);
  const j = i - Math.round(stops * 3);
  if (j < 0 || j >= SPEEDS.length) throw new Error(`off the dial: ${base} ${stops}`);
  return SPEEDS[j];
}

export const T0 = Date.UTC(2024, 5, 1, 18, 30, 0);

export interface CounterOptions {
  /** What the file counter goes to after 9999: 1 (Canon, Nikon) or 0 (some Sony and Nikon bodies). */
  wrapTo?: number;
  /** Start the next DCF folder (100CANON -> 101CANON) when the counter wraps. */
  newFolderOnWrap?: boolean;
}

export class Camera {
  private counter: number;
  /** ms since T0 of the next press. */
  clock = 0;
  /** The folder the next file goes to (the body's, until a DCF folder change). */
  folder: string | undefined;
  constructor(
    readonly body: Body,
    firstNumber = 1,
    readonly counterOptions: CounterOptions = {},
  ) {
    this.counter = firstNumber;
    this.folder = body.folder;
  }

  nextName(ext = this.body.ext): string {
    const name = `${this.body.prefix}${String(this.counter).padStart(4, '0')}.${ext}`;
    return this.folder ? `${this.folder}/${name}` : name;
  }

  /** Starts the next DCF folder ('DCIM/100CANON' -> 'DCIM/101CANON'), as a body does when asked or when its counter wraps. */
  nextFolder(): this {
    this.folder = this.folder?.replace(/(\d{3})([^/\d][^/]*)$/, (_m, n: string, rest: string) => `${Number(n) + 1}${rest}`);
    return this;
  }

  /** One press: advances the file counter and the clock (by the exposure plus `gapMs`). */
  shoot(settings: Partial<ShotInfo>, gapMs = 250): ShotInfo {
    const { prefix: _p, ext: _e, folder: _f, ...tags } = this.body;
    const shot: ShotInfo = {
      ...tags,
      file: this.nextName(),
      fNumber: 8,
      iso: 100,
      exposureBias: 0,
      exposureMode: 0,
      captureTime: T0 + this.clock,
      ...settings,
    };
    this.counter++;
    if (this.counter > 9999 && this.counterOptions.wrapTo !== undefined) {
      this.counter = this.counterOptions.wrapTo;
      if (this.counterOptions.newFolderOnWrap) this.nextFolder();
    }
    this.clock += Math.round((shot.exposureTime ?? 0) * 1000) + gapMs;
    return shot;
  }

  /** Waits before the next press. */
  wait(ms: number): this {
    this.clock += ms;
    return this;
  }

  /**
   * Auto exposure bracketing in aperture priority: the body varies the shutter speed and
   * records ExposureMode 2 and the bracket offset as ExposureBiasValue.
   */
  aeb(offsets: number[], base = 1 / 125, gapMs = 200, tags: Partial<ShotInfo> = {}): ShotInfo[] {
    return offsets.map((o) => this.shoot({ exposureTime: speed(base, o), exposureBias: o, exposureMode: 2, ...tags }, gapMs));
  }

  /** A manual bracket: the photographer turns the dial between frames (ExposureMode 1). */
  manual(offsets: number[], base = 1 / 125, gapMs = 1500, tags: Partial<ShotInfo> = {}): ShotInfo[] {
    return offsets.map((o) => this.shoot({ exposureTime: speed(base, o), exposureMode: 1, ...tags }, gapMs));
  }

  /** Continuous shooting at one exposure. */
  burst(n: number, exposureTime = 1 / 500, gapMs = 100): ShotInfo[] {
    return Array.from({ length: n }, () => this.shoot({ exposureTime }, gapMs));
  }
}

/** A ShotInfo without EXIF, as a PNG export or a scan would be. */
export function bare(file: string, width = 1024, height = 680): ShotInfo {
  return { file, width, height };
}

/** Drops the sub-seconds, as bodies that write no SubSecTimeOriginal do. */
export function wholeSeconds(shots: ShotInfo[]): ShotInfo[] {
  for (const s of shots) if (s.captureTime !== undefined) s.captureTime = Math.floor(s.captureTime / 1000) * 1000;
  return shots;
}

export const AEB_3 = [0, -2, 2];
export const AEB_5 = [0, -1, 1, -2, 2];
export const AEB_7 = [0, -1, 1, -2, 2, -3, 3];

export const files = (shots: ShotInfo[]): string[] => shots.map((s) => s.file);

/** The same shots in another order, fixed by the seed. */
export function shuffle<T>(items: T[], seed = 1): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
