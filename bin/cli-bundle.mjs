// Loads the CLI from one esbuild bundle of the TypeScript sources instead of through tsx's loader.
//
// tsx resolves and transforms the CLI's ~140 modules one by one through Node's loader hooks: about a
// second before the first line of a merge runs (`luxfuse --help` 1.3 s against 0.2 s for bare node).
// One bundle imports in a few milliseconds. It is rebuilt whenever a source it was built from changes
// (size or modification time), so the CLI is still always the current source; where it cannot be built
// or cached (esbuild missing, read-only node_modules) the CLI runs through tsx as before.
// LUXFUSE_CLI_BUNDLE=0 forces the tsx path; LUXFUSE_CLI_BUNDLE=require fails instead of falling back (tests).
// The compute worker (src-main/compute/compute-worker.ts: display images encoded on the other cores) is
// bundled beside it and handed to the CLI; LUXFUSE_COMPUTE_WORKERS=0 runs everything on one thread.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Files outside the import graph that change how it is built. */
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json', 'bin/cli-bundle.mjs'];

function stamp(file) {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function upToDate(keyFile) {
  try {
    const key = JSON.parse(readFileSync(keyFile, 'utf8'));
    return Object.entries(key.inputs).every(([file, was]) => stamp(file) === was);
  } catch {
    return false;
  }
}

/**
 * Module-relative lookups keep pointing at the source tree: import.meta.dirname, .filename and .url are
 * replaced by each source file's own values before esbuild sees it (models are found relative to
 * src-main/services, for instance).
 */
function sourceMetaPlugin() {
  return {
    name: 'luxfuse-source-meta',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const contents = text
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function build(root, entries, bundleFiles, keyFile) {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = requireFromTsx('esbuild');
  const result = await esbuild.build({
    entryPoints: entries.map((file, i) => ({ in: file, out: basename(bundleFiles[i], '.mjs') })),
    outdir: dirname(bundleFiles[0]),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    plugins: [sourceMetaPlugin()],
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS]) {
    const path = join(root, file);
    inputs[path] = stamp(path);
  }
  mkdirSync(dirname(bundleFiles[0]), { recursive: true });
  // Several CLIs may build at once (tests run in parallel): each writes its own files and renames them into place.
  // Each entry is named for its output file; they come back in the entries' order.
  if (result.outputFiles.length !== bundleFiles.length) throw new Error(`esbuild wrote ${result.outputFiles.length} files for ${bundleFiles.length} entries`);
  result.outputFiles.forEach((file, i) => {
    const tmp = `${bundleFiles[i]}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, bundleFiles[i]);
  });
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(tmpKey, JSON.stringify({ inputs }));
  renameSync(tmpKey, keyFile);
}

/**
 * The CLI's entry module (src-main/cli/main.ts), from the bundle where possible, else through tsx, with
 * its compute workers pointed at the matching build of src-main/compute/compute-worker.ts.
 */
export async function loadCli(root) {
  const entry = join(root, 'src-main/cli/main.ts');
  const workerEntry = join(root, 'src-main/compute/compute-worker.ts');
  const workers = process.env.LUXFUSE_COMPUTE_WORKERS === '0' ? 0 : undefined;
  if (process.env.LUXFUSE_CLI_BUNDLE !== '0') {
    try {
      const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
      // One folder per checkout.
      const dir = join(root, 'node_modules/.cache/luxfuse-cli', id);
      const bundleFiles = [join(dir, 'main.mjs'), join(dir, 'compute-worker.mjs')];
      const keyFile = join(dir, 'key.json');
      if (!upToDate(keyFile)) await build(root, [entry, workerEntry], bundleFiles, keyFile);
      const cli = await import(pathToFileURL(bundleFiles[0]).href);
      cli.useComputeWorkers({ path: bundleFiles[1] }, workers);
      return cli;
    } catch (error) {
      if (process.env.LUXFUSE_CLI_BUNDLE === 'require') throw error;
      // Fall through to tsx: slower to start, same program.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import(pathToFileURL(entry).href);
  cli.useComputeWorkers({ path: workerEntry, tsx: true }, workers);
  return cli;
}
