/** luxfuse merge without --method: the learned fusion, as in the app; exposure fusion with a warning where its model file is missing. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { writeBracket } from '../../helpers/bracket-fixture';

let dir: string;
let files: string[];

async function merge(extra: string[] = []): Promise<{ code: number; report: { method: string; warnings: string[] } | null; err: string }> {
  let text = '';
  let err = '';
  const code = await runCli(['merge', ...files, '--jpeg', join(dir, 'out.jpg'), '--json', ...extra], { out: (t) => (text += t), err: (t) => (err += t) });
  return { code, report: text ? JSON.parse(text) : null, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-default-method-'));
  files = writeBracket(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.LUXFUSE_MODELS;
});

describe('luxfuse merge without --method', () => {
  it('merges with the learned fusion, the app\'s default', async () => {
    const { code, report } = await merge();
    expect(code).toBe(0);
    expect(report!.method).toBe('learned');
    expect(report!.warnings).toEqual([]);
  });

  it('falls back to exposure fusion, and says why, where the model file is missing; asked for by name it fails', async () => {
    process.env.LUXFUSE_MODELS = join(dir, 'no-models-here');
    const { code, report } = await merge();
    expect(code).toBe(0);
    expect(report!.method).toBe('mertens');
    expect(report!.warnings[0]).toMatch(/^Merged with exposure fusion \(Mertens\), not the default learned fusion: its model .*no-models-here.*fusion\.onnx cannot be read \(ENOENT\)\. Pass --method mertens to choose it\.$/);
    const named = await merge(['--method', 'learned']);
    expect(named.code).not.toBe(0);
    expect(named.err).toMatch(/model/);
  });
});
