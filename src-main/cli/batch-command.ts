/**
 * `luxfuse batch`: every bracket found among files and folders, merged one after another into an
 * output folder. Brackets are merged in sequence so memory stays that of one bracket; a failed
 * bracket is reported and the batch goes on; a cancel (Ctrl+C) stops before the next bracket, and
 * since every output is written atomically the folder holds only whole files. Outputs that already
 * exist are left alone (a cancelled batch resumes where it stopped) unless --overwrite.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expandTemplate, DEFAULT_TEMPLATE, uniqueStems } from '../../src-shared/export/naming';
import { runInTurn, type BatchJob } from '../services/batch-service';
import { groupFiles } from '../services/group-service';
import { describeScanError } from '../services/scan';
import { mergeCommand, type MergeArgs } from './merge-command';
import { UsageError } from './parse-values';

export type BatchFormat = 'jpeg' | 'exr' | 'png' | 'hdr' | 'tiff';
const FORMATS: readonly BatchFormat[] = ['jpeg', 'exr', 'png', 'hdr', 'tiff'];
const EXTENSIONS: Record<BatchFormat, string> = { jpeg: 'jpg', exr: 'exr', png: 'png', hdr: 'hdr', tiff: 'tif' };
/** Merge flags that name one bracket's files or outputs and so mean nothing for a whole batch. */
const PER_BRACKET_FLAGS = ['exposure-times', 'reference', 'ghost-mask', 'exr', 'jpeg', 'png', 'hdr', 'tiff'];

export interface BatchArgs {
  paths: string[];
  values: MergeArgs['values'];
  signal?: AbortSignal;
  /** Called after each bracket, in order (the CLI prints progress with it). */
  onBracket?: (entry: BatchEntry, index: number, total: number) => void;
}

export interface BatchEntry {
  files: string[];
  status: 'merged' | 'skipped' | 'failed';
  outputs: string[];
  /** Why a bracket was skipped or failed. */
  message?: string;
  /** Frames shot in this bracket that cannot be merged (cut short, misnamed): it was merged without them. */
  missing?: { file: string; message: string }[];
  millis: number;
  /** Resident memory after this bracket, MB: flat from bracket to bracket when nothing leaks. */
  rssMB: number;
}

export interface BatchReport {
  brackets: BatchEntry[];
  /** Files that are not part of any bracket (single shots): not merged. */
  ungrouped: string[];
  errors: { file: string; message: string }[];
  /** True when a cancel stopped the batch before its last bracket. */
  cancelled: boolean;
  millis: number;
}

export function parseFormats(text: string | undefined): BatchFormat[] {
  const formats = (text ?? 'jpeg').split(',').map((f) => f.trim().toLowerCase()).map((f) => (f === 'jpg' ? 'jpeg' : f === 'tif' ? 'tiff' : f));
  for (const f of formats) if (!FORMATS.includes(f as BatchFormat)) throw new UsageError(`--formats: '${f}' is not one of ${FORMATS.join(', ')}`);
  return [...new Set(formats as BatchFormat[])];
}

export async function batchCommand({ paths, values, signal, onBracket }: BatchArgs): Promise<BatchReport> {
  const started = performance.now();
  if (paths.length === 0) throw new UsageError('batch needs files or folders');
  const outDir = values.out as string | undefined;
  if (!outDir) throw new UsageError('batch: give the output folder with --out DIR');
  for (const flag of PER_BRACKET_FLAGS) if (values[flag] !== undefined) throw new UsageError(`batch: --${flag} names one bracket's files; use 'luxfuse merge' for that`);
  if (!existsSync(outDir)) throw new UsageError(`batch: output folder ${outDir} does not exist`);
  const formats = parseFormats(values.formats as string | undefined);
  const overwrite = values.overwrite === true;

  const found = await groupFiles(paths, { recursive: values.recursive === true, signal });
  // `<first file>-hdr`, with -2, -3... when two brackets (from different folders) would share it.
  const stems = uniqueStems(found.groups.map((g) => expandTemplate(DEFAULT_TEMPLATE, { firstFrame: g.files[0], method: 'merge', n: 1 })));
  const jobs: BatchJob[] = found.groups.map((group, i) => ({ files: group.files, outputs: formats.map((f) => join(outDir, `${stems[i]}.${EXTENSIONS[f]}`)) }));
  const missing = found.groups.map((g) => g.missing ?? []);
  const brackets: BatchEntry[] = [];
  let t0 = performance.now();
  const { cancelled } = await runInTurn(
    jobs,
    async (job) => {
      const perBracket: MergeArgs['values'] = { ...values };
      formats.forEach((f, i) => (perBracket[f] = job.outputs[i]));
      return (await mergeCommand({ files: job.files, values: perBracket })).outputs;
    },
    {
      overwrite,
      signal,
      fatal: (error) => error instanceof UsageError,
      onStart: () => (t0 = performance.now()),
      onDone: (result, index) => {
        const entry: BatchEntry = {
          files: jobs[index].files,
          status: result.status,
          outputs: result.outputs,
          ...(result.status === 'skipped' ? { message: 'outputs already there (--overwrite to redo)' } : result.message ? { message: result.message } : {}),
          ...(missing[index].length > 0 ? { missing: missing[index] } : {}),
          millis: result.status === 'skipped' ? 0 : Math.round(performance.now() - t0),
          rssMB: rss(),
        };
        brackets.push(entry);
        onBracket?.(entry, index, jobs.length);
      },
    },
  );
  return {
    brackets,
    ungrouped: found.ungrouped,
    errors: found.errors.map((e) => ({ file: e.file, message: e.message })),
    cancelled,
    millis: Math.round(performance.now() - started),
  };
}

function rss(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

export function describeBracket(entry: BatchEntry, index: number, total: number): string {
  const head = `[${index + 1}/${total}] ${basename(entry.files[0])} … ${basename(entry.files[entry.files.length - 1])} (${entry.files.length} frames)`;
  const without = entry.missing?.length ? ` without ${entry.missing.map((m) => basename(m.file)).join(', ')} (${entry.missing.length === 1 ? 'it cannot' : 'they cannot'} be merged: see the errors)` : '';
  if (entry.status === 'merged') return `${head}: wrote ${entry.outputs.map((o) => basename(o)).join(', ')}${without} in ${(entry.millis / 1000).toFixed(1)} s`;
  return `${head}: ${entry.status}: ${entry.message}`;
}

export function describeBatch(report: BatchReport): string {
  const count = (s: BatchEntry['status']) => report.brackets.filter((b) => b.status === s).length;
  const short = report.brackets.filter((b) => b.status === 'merged' && b.missing?.length).length;
  const lines = [
    `${count('merged')} merged${short ? ` (${short} without a frame that cannot be merged)` : ''}, ${count('skipped')} skipped, ${count('failed')} failed${report.cancelled ? ', cancelled before the rest' : ''} in ${(report.millis / 1000).toFixed(1)} s`,
  ];
  if (report.ungrouped.length > 0) lines.push(`not in a bracket (not merged): ${report.ungrouped.map((f) => basename(f)).join(', ')}`);
  for (const e of report.errors) lines.push(`error: ${describeScanError(e)}`);
  return lines.join('\n');
}
