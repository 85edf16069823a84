// Loads the CLI from one esbuild bundle of the TypeScript sources instead of through tsx's loader.
//
// tsx resolves and transforms the CLI's ~140 modules one by one through Node's loader hooks: about a
// second before the first line of a merge runs (`luxfuse --help` 1.3 s against 0.2 s for bare node).
// One bundle imports in a few milliseconds. It is rebuilt whenever a source it was built from changes
// (size or modification time), so the CLI is still always the current source; where it cannot be built
// or cached (esbuild missing, read-only node_modules) the CLI runs through tsx as before.
// LUXFUSE_CLI_BUNDLE=0 forces the tsx path; LUXFUSE_CLI_BUNDLE=require fails instead of falling back (tests).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

async function build(root, entry, bundleFile, keyFile) {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = requireFromTsx('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
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
  mkdirSync(dirname(bundleFile), { recursive: true });
  // Several CLIs may build at once (tests run in parallel): each writes its own file and renames it into place.
  const tmp = `${bundleFile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, bundleFile);
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  writeFileSync(tmpKey, JSON.stringify({ inputs }));
  renameSync(tmpKey, keyFile);
}

/** The CLI's entry module (src-main/cli/main.ts), from the bundle where possible, else through tsx. */
export async function loadCli(root) {
  const entry = join(root, 'src-main/cli/main.ts');
  if (process.env.LUXFUSE_CLI_BUNDLE !== '0') {
    try {
      const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
      const dir = join(root, 'node_modules/.cache/luxfuse-cli');
      const bundleFile = join(dir, `cli-${id}.mjs`);
      const keyFile = join(dir, `cli-${id}.json`);
      if (!upToDate(keyFile)) await build(root, entry, bundleFile, keyFile);
      return await import(pathToFileURL(bundleFile).href);
    } catch (error) {
      if (process.env.LUXFUSE_CLI_BUNDLE === 'require') throw error;
      // Fall through to tsx: slower to start, same program.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}
