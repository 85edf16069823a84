/** luxfuse merge reports what the decoders chose (here: page 1 of a multi-page TIFF) with its own warnings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { writePagedBracket } from '../../helpers/tiff-pages';

let dir: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-pages-'));
  files = writePagedBracket(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luxfuse merge of a multi-page TIFF', () => {
  it('says in its warnings that only the first page was merged', async () => {
    const warning = `${files[1]} holds 2 full-resolution images (pages); only the first (48x32) is read`;
    let out = '';
    let err = '';
    const argv = ['merge', ...files, '--method', 'mertens', '--align', 'off', '--png', join(dir, 'out.png')];
    const code = await runCli([...argv, '--json'], { out: (t) => (out += t), err: (t) => (err += t) });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out).warnings).toEqual([warning]);
    out = '';
    expect(await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t) })).toBe(0);
    expect(out).toContain(`warning: ${warning}\n`);
  });
});
