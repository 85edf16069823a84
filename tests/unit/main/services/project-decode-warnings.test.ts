/** The app's merge shows what the decoders chose (here: page 1 of a multi-page TIFF) with its own warnings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';
import { writePagedBracket } from '../../helpers/tiff-pages';

let dir: string;
let files: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-pages-'));
  files = writePagedBracket(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ProjectService on a bracket with a multi-page TIFF', () => {
  it("lists the page warning in the merge's warnings, and in a one-frame recovery's", async () => {
    const warning = `${files[1]} holds 2 full-resolution images (pages); only the first (48x32) is read`;
    const service = new ProjectService();
    const bracket = await service.load(files);
    const merged = await service.merge({ projectId: bracket.projectId, method: 'mertens', previewMaxSide: 64 });
    expect(merged.warnings).toEqual([warning]);
    const one = await service.load([files[1]]);
    const recovered = await service.merge({ projectId: one.projectId, method: 'recover-classical', previewMaxSide: 64 });
    expect(recovered.warnings[0]).toBe(warning);
  }, 60_000);
});
