import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listImageFiles } from '../../../../src-main/services/scan';

let dir: string;
const at = (...parts: string[]) => join(dir, ...parts);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'luxfuse-scan-'));
  const files = [
    'IMG_10.jpg',
    'IMG_9.JPG',
    'IMG_100.jpeg',
    'a.DNG',
    'b.cr2',
    'c.Cr3',
    'd.nef',
    'e.arw',
    'f.raf',
    'g.orf',
    'h.rw2',
    'i.pef',
    'j.tif',
    'k.TIFF',
    'l.png',
    'm.exr',
    'notes.txt',
    'photo.heic',
    'noext',
    '.hidden.jpg',
    '._IMG_10.jpg',
    'sub/s1.jpg',
    'sub/.s2.jpg',
    'sub/deeper/s3.NEF',
    '.cache/x.jpg',
  ];
  for (const f of files) {
    await mkdir(join(at(f), '..'), { recursive: true });
    await writeFile(at(f), 'x');
  }
  await symlink(at('sub'), at('sub', 'deeper', 'loop')); // a cycle for the recursive walk
  await symlink(at('l.png'), at('sub', 'link.png'));
  await symlink(at('gone.jpg'), at('sub', 'dangling.jpg'));
  await symlink(at('sub', 'loop-b.jpg'), at('sub', 'loop-a.jpg'));
  await symlink(at('sub', 'loop-a.jpg'), at('sub', 'loop-b.jpg'));
  await symlink(at('gone.txt'), at('sub', 'dangling.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('listImageFiles', () => {
  it('lists the supported images of a folder, in natural order, without hidden files or sub-folders', async () => {
    const { files, errors } = await listImageFiles([dir]);
    expect(errors).toEqual([]);
    expect(files).toEqual(
      ['a.DNG', 'b.cr2', 'c.Cr3', 'd.nef', 'e.arw', 'f.raf', 'g.orf', 'h.rw2', 'i.pef', 'IMG_9.JPG', 'IMG_10.jpg', 'IMG_100.jpeg', 'j.tif', 'k.TIFF', 'l.png', 'm.exr'].map((f) => at(f)),
    );
  });

  it('descends into sub-folders when asked, skipping hidden ones and surviving a symlink loop', async () => {
    const { files, errors } = await listImageFiles([at('sub')], { recursive: true });
    expect(errors.map((e) => e.file).sort()).toEqual([at('sub', 'dangling.jpg'), at('sub', 'loop-a.jpg'), at('sub', 'loop-b.jpg')]);
    expect(files).toEqual([at('sub', 'deeper', 's3.NEF'), at('sub', 'link.png'), at('sub', 's1.jpg')]);
    const all = await listImageFiles([dir], { recursive: true });
    expect(all.files).toHaveLength(16 + 3);
    expect(all.files.some((f) => f.includes('.cache'))).toBe(false);
  });

  it('reports a link named like a photo that leads nowhere or loops (the photo would be lost without a word); other dangling links stay quiet', async () => {
    const { errors } = await listImageFiles([at('sub')]);
    expect([...errors].sort((a, b) => a.file.localeCompare(b.file))).toEqual([
      { file: at('sub', 'dangling.jpg'), message: `cannot read ${at('sub', 'dangling.jpg')}: it is a symbolic link to a file that does not exist` },
      { file: at('sub', 'loop-a.jpg'), message: expect.stringMatching(new RegExp(`^cannot read ${at('sub', 'loop-a.jpg')}: it is a symbolic link that leads back to itself`)) },
      { file: at('sub', 'loop-b.jpg'), message: expect.stringMatching(/loop-b\.jpg: it is a symbolic link that leads back to itself/) },
    ]);
  });

  it('keeps files given one by one, and lists a file given twice (or with its folder) once', async () => {
    const { files } = await listImageFiles([at('l.png'), at('sub', 's1.jpg'), at('sub'), join(dir, 'sub', '..', 'l.png')]);
    expect(files).toEqual([at('l.png'), at('sub', 'link.png'), at('sub', 's1.jpg')]);
  });

  it('keeps paths as the user gave them (relative stays relative)', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await listImageFiles(['sub'])).files).toEqual([join('sub', 'link.png'), join('sub', 's1.jpg')]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports paths that do not exist and files it does not import, and goes on', async () => {
    const { files, errors } = await listImageFiles([at('missing'), at('notes.txt'), at('noext'), at('j.tif')]);
    expect(files).toEqual([at('j.tif')]);
    expect(errors).toEqual([
      { file: at('missing'), message: 'no such file or folder' },
      { file: at('notes.txt'), message: 'not a supported image type (.txt)' },
      { file: at('noext'), message: 'not a supported image type (no extension)' },
    ]);
  });

  it('returns nothing for nothing', async () => {
    expect(await listImageFiles([])).toEqual({ files: [], errors: [] });
  });
});
