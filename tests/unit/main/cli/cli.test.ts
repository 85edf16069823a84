/** The luxfuse command line, run in-process (runCli) and once as the real bin script. */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { FIXTURE_TIMES, writeBracket } from '../../helpers/bracket-fixture';
import { externalCommand, opencvTool, runOpencv } from '../../helpers/external-tools';

let dir: string;
let jpegs: string[];
let pngs: string[];

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-cli-'));
  jpegs = writeBracket(dir, { format: 'jpeg' });
  pngs = writeBracket(dir, { format: 'png', prefix: 'noexif' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luxfuse merge', () => {
  it('writes an EXR and a JPEG whose radiance agrees with every frame', async () => {
    const hashes = jpegs.map(sha);
    const exr = join(dir, 'out.exr');
    const jpg = join(dir, 'out.jpg');
    const { code, out, err } = await cli('merge', ...jpegs, '--method', 'radiance', '--exr', exr, '--jpeg', jpg, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.outputs).toEqual([exr, jpg]);
    expect(report.frames.map((f: { evSource: string }) => f.evSource)).toEqual(['metadata', 'metadata', 'metadata']);
    for (const c of report.consistency) expect(c).toBeLessThan(0.05);
    const image = decodeExr(readFileSync(exr));
    expect([image.width, image.height]).toEqual([160, 112]);
    expect(readFileSync(jpg).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(jpegs.map(sha)).toEqual(hashes); // inputs untouched
  });

  it('EXR output is read in full by the OpenEXR library', async () => {
    externalCommand('exrheader', 'openexr').requireAvailable();
    const exr = join(dir, 'full.exr');
    expect((await cli('merge', ...jpegs, '--exr', exr)).code).toBe(0);
    const header = execFileSync('exrheader', [exr], { encoding: 'utf8' });
    expect(header).toMatch(/compression.*zip/i);
    expect(header).toMatch(/16-bit floating-point/);
    // A full pixel read through OpenCV's OpenEXR decoder agrees with what we wrote.
    opencvTool().requireAvailable();
    const stats = JSON.parse(
      runOpencv(
        'import cv2, sys, json; a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED); print(json.dumps([list(a.shape), float(a[:, :, 2].mean()), float(a[50, 80, 1])]))',
        [exr],
      ).stdout,
    );
    const ours = decodeExr(readFileSync(exr));
    let meanR = 0;
    for (let i = 0; i < ours.width * ours.height; i++) meanR += ours.data[i * 3];
    expect(stats[0]).toEqual([112, 160, 3]);
    expect(stats[1]).toBeCloseTo(meanR / (ours.width * ours.height), 4);
    expect(stats[2]).toBeCloseTo(ours.data[(50 * 160 + 80) * 3 + 1], 5);
  });

  it('fuses frames without exposure data with Mertens, and explains what the radiance merge needs', async () => {
    const jpg = join(dir, 'fused.jpg');
    expect((await cli('merge', ...pngs, '--jpeg', jpg)).code).toBe(0);
    const failed = await cli('merge', ...pngs, '--method', 'radiance', '--exr', join(dir, 'no.exr'));
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^luxfuse: .*noexif-1\.png.*no exposure time.*--exposure-times/);
    const times = FIXTURE_TIMES.map((t) => `1/${Math.round(1 / t)}`).join(',');
    const given = await cli('merge', ...pngs, '--method', 'radiance', '--exr', join(dir, 'given.exr'), '--exposure-times', times, '--json');
    expect(given.code).toBe(0);
    expect(JSON.parse(given.out).frames[0].evSource).toBe('user');
    const estimated = await cli('merge', ...pngs, '--method', 'radiance', '--png', join(dir, 'est.png'), '--exposures-from-pixels', '--json');
    expect(estimated.code).toBe(0);
    const evs = JSON.parse(estimated.out).frames.map((f: { ev: number }) => f.ev);
    expect(evs[2] - evs[0]).toBeCloseTo(Math.log2(FIXTURE_TIMES[2] / FIXTURE_TIMES[0]), 0);
    // The display PNG is opaque RGB (colour type 2), 8 bits, decodable.
    const png = readFileSync(join(dir, 'est.png'));
    expect(png.subarray(24, 26)).toEqual(Buffer.from([8, 2]));
    const decoded = decodeImage(new Uint8Array(png), 'est.png');
    expect(decoded.channels).toBe(3);
  });

  it('names the bad file: missing, corrupt, not an image, mixed sizes', async () => {
    const out = ['--jpeg', join(dir, 'x.jpg')];
    const missing = await cli('merge', jpegs[0], join(dir, 'ghost.jpg'), ...out);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/^luxfuse: cannot read .*ghost\.jpg: no such file\n$/);

    const truncated = join(dir, 'truncated.jpg');
    writeFileSync(truncated, readFileSync(jpegs[1]).subarray(0, 600));
    const bad = await cli('merge', jpegs[0], truncated, ...out);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/truncated\.jpg/);

    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'these are not pixels');
    const notImage = await cli('merge', jpegs[0], text, ...out);
    expect(notImage.code).toBe(1);
    expect(notImage.err).toMatch(/notes\.jpg/);

    const [big] = writeBracket(dir, { width: 200, height: 112, prefix: 'big' });
    const mixed = await cli('merge', jpegs[0], big, ...out);
    expect(mixed.code).toBe(1);
    expect(mixed.err).toMatch(/big-1\.jpg is 200x112 but .*frame-1\.jpg is 160x112/);
    expect(readdirSync(dir)).not.toContain('x.jpg');
  });

  it('fails before any work when an output folder is missing, and never writes over an input', async () => {
    const r = await cli('merge', ...jpegs, '--jpeg', join(dir, 'missing', 'o.jpg'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/folder .*missing does not exist/);
    const before = sha(jpegs[0]);
    const over = await cli('merge', ...jpegs, '--jpeg', jpegs[0]);
    expect(over.code).toBe(1);
    expect(over.err).toMatch(/originals are never written/);
    expect(sha(jpegs[0])).toBe(before);
  });

  it('refuses an input given through a link as the output, one path for two outputs, and one file given twice', async () => {
    const link = join(dir, 'linked-frame.jpg');
    symlinkSync(jpegs[1], link);
    const before = sha(jpegs[1]);
    const viaLink = await cli('merge', jpegs[0], link, jpegs[2], '--jpeg', jpegs[1]);
    expect(viaLink.code).toBe(1);
    expect(viaLink.err).toMatch(/is one of the input files; originals are never written/);
    expect(sha(jpegs[1])).toBe(before);
    const out = join(dir, 'both.jpg');
    const twoOnOne = await cli('merge', ...jpegs, '--method', 'radiance', '--jpeg', out, '--exr', out);
    expect(twoOnOne.code).toBe(2);
    expect(twoOnOne.err).toContain(`--exr and --jpeg both write ${out}`);
    const twice = await cli('merge', jpegs[0], jpegs[1], jpegs[1], '--jpeg', out);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain(`${jpegs[1]} is given twice`);
    const sameFile = await cli('merge', jpegs[0], jpegs[1], link, '--jpeg', out);
    expect(sameFile.code).toBe(2);
    expect(sameFile.err).toContain(`${jpegs[1]} and ${link} are the same file`);
    expect(readdirSync(dir)).not.toContain('both.jpg');
  });

  it('group: a path that does not exist is bad input (exit 1, stderr); damaged files in a folder are listed on stderr', async () => {
    const missing = await cli('group', join(dir, 'no-such-folder'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^luxfuse: .*no-such-folder: no such file/);
    expect(missing.out).not.toMatch(/no-such-folder/);
    const folder = mkdtempSync(join(dir, 'group-'));
    writeBracket(folder, { format: 'jpeg' });
    writeFileSync(join(folder, 'broken.jpg'), 'not a jpeg');
    const partial = await cli('group', folder);
    expect(partial.code).toBe(0);
    expect(partial.out).toMatch(/bracket 1/);
    expect(partial.out).toContain('1 file could not be read (listed on stderr)');
    expect(partial.err).toMatch(/^luxfuse: cannot read \S*broken\.jpg: not an image/);
  });

  it('group: a file without exposure data whose pixels do not decode is listed in the errors (--json, and stderr)', async () => {
    const folder = mkdtempSync(join(dir, 'group-pixels-'));
    const frames = writeBracket(folder, { format: 'png', prefix: 'IMG' });
    // Whole (it ends with IEND), one byte of its image data changed: only decoding finds that (the chunk's CRC).
    const damaged = new Uint8Array(readFileSync(frames[0]));
    damaged[damaged.length >> 1] ^= 0x5a;
    const cut = join(folder, 'IMG-4.png');
    writeFileSync(cut, damaged);
    const json = await cli('group', folder, '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out);
    expect(result.groups.map((g: { files: string[] }) => g.files)).toEqual([frames]);
    expect(result.ungrouped).toEqual([]);
    expect(result.errors).toEqual([
      { file: cut, message: `${cut}: its pixels could not be read (truncated or corrupt PNG: CRC mismatch), so it was not compared with its neighbours and is in no bracket` },
    ]);
    const text = await cli('group', folder);
    expect(text.out).toContain('1 file could not be read (listed on stderr)');
    expect(text.out).not.toContain('not in a bracket');
    expect(text.err).toBe(`luxfuse: ${result.errors[0].message}\n`); // the path once: the message starts with it
    // Given by name, as a path that does not open, it is bad input.
    expect((await cli('group', ...frames, cut)).code).toBe(1);
  });

  it('group: a frame cut short whose EXIF reads is listed in the errors with the reason (--json, stderr); named directly, it is bad input', async () => {
    const folder = mkdtempSync(join(dir, 'group-cut-'));
    const frames = writeBracket(folder, { format: 'jpeg', prefix: 'IMG' });
    const whole = readFileSync(frames[1]);
    writeFileSync(frames[1], whole.subarray(0, Math.floor(whole.length * 0.7)));
    const json = await cli('group', folder, '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out);
    expect(result.groups.map((g: { files: string[] }) => g.files)).toEqual([[frames[0], frames[2]]]);
    expect(result.errors).toEqual([
      { file: frames[1], message: `${frames[1]}: truncated or corrupt JPEG: the file ends before its end-of-image marker (part of the picture is missing), so it cannot be merged and is in no bracket` },
    ]);
    const text = await cli('group', folder);
    expect(text.err).toBe(`luxfuse: ${result.errors[0].message}\n`);
    expect((await cli('group', ...frames)).code).toBe(1);
  });

  it('usage errors exit 2; a missing learned model is a clear bad-input error', async () => {
    expect((await cli('merge', ...jpegs)).code).toBe(2);
    expect((await cli('merge', ...jpegs, '--bogus')).code).toBe(2);
    expect((await cli('merge', ...jpegs, '--jpeg', join(dir, 'q.jpg'), '--quality', '101')).code).toBe(2);
    expect((await cli('merge', ...jpegs, '--jpeg', join(dir, 'q.jpg'), '--exposure', '6')).code).toBe(2);
    expect((await cli('merge', ...jpegs, '--jpeg', join(dir, 'q.jpg'), '--method', 'magic')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const saved = process.env.LUXFUSE_MODELS;
    process.env.LUXFUSE_MODELS = join(dir, 'no-models-here');
    try {
      const learned = await cli('merge', ...jpegs, '--jpeg', join(dir, 'l.jpg'), '--method', 'learned');
      expect(learned.code).toBe(1);
      expect(learned.err).toMatch(/^luxfuse: the learned fusion model is missing .*no-models-here/);
    } finally {
      if (saved === undefined) delete process.env.LUXFUSE_MODELS;
      else process.env.LUXFUSE_MODELS = saved;
    }
  });

  it('--help documents every command and option', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    for (const word of ['group', 'merge', '--method', '--exposure-times', '--exr', '--jpeg', '--png', '--tonemap', '--quality', '--json']) {
      expect(out).toContain(word);
    }
  });
});

describe('the luxfuse bin script', () => {
  it('runs as a program: exit codes and one-line errors, no stack traces', () => {
    const bin = resolve(import.meta.dirname, '../../../../bin/luxfuse.mjs');
    const ok = spawnSync(process.execPath, [bin, 'merge', ...jpegs, '--jpeg', join(dir, 'bin.jpg')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('wrote');
    const bad = spawnSync(process.execPath, [bin, 'merge', jpegs[0], join(dir, 'nothing.jpg'), '--jpeg', join(dir, 'b.jpg')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\s+at /);
  });
});
