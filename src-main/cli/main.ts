/** The `luxfuse` command line: the engine without the window, same services as the app. */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { groupFiles } from '../services/group-service';
import { describeScanError } from '../services/scan';
import { useNativeZlib } from '../services/native-zlib';
import { batchCommand, describeBatch, describeBracket } from './batch-command';
import { correctCommand, describeCorrect } from './correct-command';
import { describeMerge, LearnedModelMissingError, mergeCommand } from './merge-command';
import { CorrectModelMissingError } from '../services/correct-model';
import { UsageError } from './parse-values';
import { USAGE } from './usage';
import type { ComputeWorkerEntry } from '../compute/compute-pool';
import { useComputeWorkersSharingFrames } from '../compute/shared-frames';

const VERSION = '0.1.0';

interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Aborted when the user cancels (Ctrl+C): a batch stops before its next bracket. */
  signal?: AbortSignal;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  json: { type: 'boolean' },
  recursive: { type: 'boolean' },
  method: { type: 'string' },
  'exposure-times': { type: 'string' },
  'exposures-from-pixels': { type: 'boolean' },
  exr: { type: 'string' },
  'exr-float': { type: 'boolean' },
  'exr-compression': { type: 'string' },
  hdr: { type: 'string' },
  jpeg: { type: 'string' },
  png: { type: 'string' },
  tiff: { type: 'string' },
  tonemap: { type: 'string' },
  exposure: { type: 'string' },
  contrast: { type: 'string' },
  highlights: { type: 'string' },
  shadows: { type: 'string' },
  whites: { type: 'string' },
  blacks: { type: 'string' },
  saturation: { type: 'string' },
  vibrance: { type: 'string' },
  detail: { type: 'string' },
  colorspace: { type: 'string' },
  align: { type: 'string' },
  deghost: { type: 'string' },
  reference: { type: 'string' },
  'ghost-mask': { type: 'string' },
  'ghost-detector': { type: 'string' },
  synthesize: { type: 'string' },
  quality: { type: 'string' },
  out: { type: 'string' },
  formats: { type: 'string' },
  overwrite: { type: 'boolean' },
} as const;

/** Runs one invocation; returns the exit status. Never throws. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  useNativeZlib();
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`luxfuse: ${(error as Error).message}\nRun 'luxfuse --help' for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(VERSION);
    return 0;
  }
  const [command, ...files] = positionals;
  try {
    if (command === 'group') {
      if (files.length === 0) throw new UsageError('group needs files or folders');
      const result = await groupFiles(files, { recursive: values.recursive === true });
      io.out(values.json ? JSON.stringify(result, null, 2) : describeGroups(result));
      // Files a folder scan could not read are listed (in errors) and the rest grouped; a path given here that
      // cannot be read at all is bad input.
      if (!values.json) for (const e of result.errors) io.err(`luxfuse: ${describeScanError(e)}`);
      const given = new Set(files.map((f) => resolve(f)));
      return result.errors.some((e) => given.has(resolve(e.file))) ? 1 : 0;
    }
    if (command === 'merge') {
      const report = await mergeCommand({ files, values });
      io.out(values.json ? JSON.stringify(report, null, 2) : describeMerge(report));
      return 0;
    }
    if (command === 'batch') {
      const report = await batchCommand({
        paths: files,
        values,
        signal: io.signal,
        onBracket: values.json ? undefined : (entry, i, total) => io.out(describeBracket(entry, i, total)),
      });
      io.out(values.json ? JSON.stringify(report, null, 2) : describeBatch(report));
      if (report.cancelled) return 130;
      return report.brackets.some((b) => b.status === 'failed') ? 1 : 0;
    }
    if (command === 'correct') {
      const report = await correctCommand({ files, values });
      io.out(values.json ? JSON.stringify(report, null, 2) : describeCorrect(report));
      return 0;
    }
    throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`luxfuse: ${error.message}\nRun 'luxfuse --help' for usage.`);
      return 2;
    }
    if (process.env.LUXFUSE_DEBUG) io.err(String((error as Error).stack));
    const message = error instanceof Error ? error.message : String(error);
    io.err(`luxfuse: ${error instanceof LearnedModelMissingError || error instanceof CorrectModelMissingError || isKnown(error) ? '' : 'internal error: '}${message.split('\n')[0]}`);
    return 1;
  }
}

/** Errors that describe bad input rather than a bug in Luxfuse. */
function isKnown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name !== 'Error' && error.name !== 'TypeError' && error.name !== 'ReferenceError';
}

function describeGroups(result: Awaited<ReturnType<typeof groupFiles>>): string {
  const lines: string[] = [];
  result.groups.forEach((group, i) => {
    lines.push(`bracket ${i + 1} (confidence ${group.confidence.toFixed(2)}): ${group.reason}`);
    group.files.forEach((file, j) => lines.push(`  ${file}  ${group.exposureValues[j] >= 0 ? '+' : ''}${group.exposureValues[j].toFixed(2)} EV`));
    for (const m of group.missing ?? []) lines.push(`  ${m.file}  left out: it cannot be merged (why: on stderr)`);
  });
  if (result.ungrouped.length > 0) lines.push(`not in a bracket: ${result.ungrouped.join(', ')}`);
  if (result.errors.length > 0) lines.push(`${result.errors.length} ${result.errors.length === 1 ? 'file' : 'files'} could not be read (listed on stderr)`);
  if (lines.length === 0) lines.push('no images found');
  return lines.join('\n');
}

/**
 * bin/cli-bundle.mjs points the CLI's compute workers at the build of their entry that matches this one.
 * With workers, frames are decoded into shared memory, where they can read them without a copy
 * (src-main/compute/shared-frames.ts).
 */
export function useComputeWorkers(where: ComputeWorkerEntry | null, workers?: number): void {
  useComputeWorkersSharingFrames(where, workers);
}
