// bin/cli-bundle.mjs: the CLI is loaded from an esbuild bundle of its sources, rebuilt when a source
// changes, with module-relative paths still pointing into the source tree, and the compute worker's entry
// bundled beside it and handed to the CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const LOADER = pathToFileURL(join(import.meta.dirname, '../../../../bin/cli-bundle.mjs')).href;
const root = mkdtempSync(join(tmpdir(), 'luxfuse-cli-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Loads the CLI of `root` in a fresh Node process (ES modules are cached per process) and returns what it reports. */
function load(env: Record<string, string> = {}): { version: string; dir: string; url: string; worker: { path: string; tsx?: boolean } } {
  const script = `const m = await (await import(${JSON.stringify(LOADER)})).loadCli(${JSON.stringify(root)}); console.log(JSON.stringify(m.report()));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, LUXFUSE_CLI_BUNDLE: 'require', ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim());
}

function writeSources(version: string): void {
  mkdirSync(join(root, 'src-main/cli'), { recursive: true });
  mkdirSync(join(root, 'src-main/services'), { recursive: true });
  mkdirSync(join(root, 'src-main/compute'), { recursive: true });
  writeFileSync(join(root, 'src-main/compute/compute-worker.ts'), `export const worker: string = ${JSON.stringify(`worker ${version}`)};\n`);
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'src-main/services/where.ts'), `export const where = (): { dir: string; url: string } => ({ dir: import.meta.dirname, url: import.meta.url });\n`);
  writeFileSync(
    join(root, 'src-main/cli/main.ts'),
    `import { where } from '../services/where';\nconst version: string = ${JSON.stringify(version)};\n` +
      `let worker: unknown = null;\nexport function useComputeWorkers(entry: unknown) { worker = entry; }\n` +
      `export function report() { return { version, ...where(), worker }; }\n`,
  );
}

describe('the CLI bundle', () => {
  it('builds once, keeps module-relative paths in the source tree, and rebuilds when a source changes', () => {
    writeSources('one');
    const first = load();
    expect(first.version).toBe('one');
    // import.meta inside a bundled module still names the source file, not the cache.
    expect(first.dir).toBe(join(root, 'src-main/services'));
    expect(first.url).toBe(pathToFileURL(join(root, 'src-main/services/where.ts')).href);
    const cacheRoot = join(root, 'node_modules/.cache/luxfuse-cli');
    const cache = join(cacheRoot, readdirSync(cacheRoot)[0]);
    const file = (name: string): string => join(cache, name);
    const key = JSON.parse(readFileSync(file('key.json'), 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(key.inputs)).toContain(join(root, 'src-main/services/where.ts'));
    expect(Object.keys(key.inputs)).toContain(join(root, 'src-main/compute/compute-worker.ts'));
    // What ran was the bundle: it holds the source's string; the worker's bundle lies beside it, handed to the CLI.
    expect(readFileSync(file('main.mjs'), 'utf8')).toContain('"one"');
    expect(first.worker).toEqual({ path: file('compute-worker.mjs') });
    expect(readFileSync(file('compute-worker.mjs'), 'utf8')).toContain('"worker one"');

    // An edited source is picked up by the next run (a longer string: the size changes too).
    writeSources('two, edited');
    expect(load().version).toBe('two, edited');
    expect(readFileSync(file('main.mjs'), 'utf8')).toContain('"two, edited"');
    expect(readFileSync(file('compute-worker.mjs'), 'utf8')).toContain('"worker two, edited"');
  });

  it('runs through tsx when told to, with the same answer', () => {
    writeSources('three');
    const viaTsx = load({ LUXFUSE_CLI_BUNDLE: '0' });
    expect(viaTsx.version).toBe('three');
    expect(viaTsx.dir).toBe(join(root, 'src-main/services'));
    expect(viaTsx.worker).toEqual({ path: join(root, 'src-main/compute/compute-worker.ts'), tsx: true });
  });
});
