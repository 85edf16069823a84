/** `luxfuse merge`: decode a bracket, merge it, write EXR / JPEG / PNG, report. */
import { basename } from 'node:path';
import { mergeBracket, type Method } from '../../src-shared/pipeline/merge-bracket';
import { radianceConsistency } from '../../src-shared/merge/radiance-consistency';
import { checkOutputPath } from '../services/atomic-write';
import { exportOutcome } from '../services/export-service';
import { readBracket } from '../services/frames';
import { parseNumber, parseSecondsList, UsageError } from './parse-values';
import { parseToneFlags } from './tone-options';

export interface MergeArgs {
  files: string[];
  values: Record<string, string | boolean | undefined>;
}

export class LearnedModelMissingError extends Error {}

export interface MergeReport {
  method: Method;
  width: number;
  height: number;
  /** Exposure of each frame in stops relative to the reference frame (null where the method used none). */
  frames: { file: string; ev: number | null; evSource: string | null }[];
  /** Index of the frame the radiance map is normalised to, when there is one. */
  referenceFrame: number | null;
  outputs: string[];
  warnings: string[];
  /** Per frame: median relative difference between its exposure-normalised well-exposed pixels and the merge. */
  consistency: number[] | null;
  millis: { decode: number; merge: number; write: number; total: number };
}

export async function mergeCommand({ files, values }: MergeArgs): Promise<MergeReport> {
  const started = performance.now();
  const method = (values.method as string | undefined) ?? 'mertens';
  if (method === 'learned') {
    throw new LearnedModelMissingError('the learned fusion model is not bundled yet; use --method mertens or --method radiance');
  }
  if (method !== 'mertens' && method !== 'radiance') throw new UsageError(`--method: '${method}' is not one of mertens, radiance, learned`);
  if (files.length < 2) throw new UsageError('merge needs at least 2 files');
  const exrPath = values.exr as string | undefined;
  const jpegPath = values.jpeg as string | undefined;
  const pngPath = values.png as string | undefined;
  if (!exrPath && !jpegPath && !pngPath) throw new UsageError('merge: give at least one output: --exr, --jpeg or --png');
  const exposureTimes = typeof values['exposure-times'] === 'string' ? parseSecondsList(values['exposure-times']) : undefined;
  if (exposureTimes && exposureTimes.length !== files.length) {
    throw new UsageError(`--exposure-times: ${exposureTimes.length} times for ${files.length} files`);
  }
  const { tone, output } = parseToneFlags(values);
  const quality = Math.round(parseNumber('quality', values.quality as string | undefined, 1, 100, 92));

  // Every output must be writable before any work starts, and never one of the inputs.
  for (const path of [exrPath, jpegPath, pngPath]) if (path) await checkOutputPath(path, files);

  const frames = await readBracket(files);
  const decoded = performance.now();
  const outcome = mergeBracket(frames, method, {
    exposureTimes,
    allowPixelEstimate: values['exposures-from-pixels'] === true,
    withRadiance: Boolean(exrPath),
  });
  const merged = performance.now();
  const outputs = await exportOutcome(outcome, tone, {
    output,
    exrPath,
    jpegPath,
    pngPath,
    quality,
    exrPixelType: values['exr-float'] === true ? 'float' : 'half',
  });
  const written = performance.now();
  const plan = outcome.plan;
  return {
    method,
    width: outcome.width,
    height: outcome.height,
    frames: frames.map((f, i) => ({
      file: files[i],
      ev: plan ? plan.ev[i] : null,
      evSource: plan ? plan.source[i] : null,
    })),
    referenceFrame: plan ? plan.referenceIndex : null,
    outputs,
    warnings: plan?.warnings ?? [],
    consistency: plan && outcome.radiance ? radianceConsistency(frames, plan.ev, outcome.radiance) : null,
    millis: {
      decode: Math.round(decoded - started),
      merge: Math.round(merged - decoded),
      write: Math.round(written - merged),
      total: Math.round(written - started),
    },
  };
}

export function describeMerge(report: MergeReport): string {
  const lines = [`${report.method} merge of ${report.frames.length} frames, ${report.width}x${report.height}, ${report.millis.total} ms`];
  for (const [i, frame] of report.frames.entries()) {
    const reference = i === report.referenceFrame ? ', reference' : '';
    const ev = frame.ev === null ? 'exposure not used' : `${frame.ev >= 0 ? '+' : ''}${frame.ev.toFixed(2)} EV (${frame.evSource}${reference})`;
    const agree = report.consistency ? `, agrees with the merge within ${(report.consistency[i] * 100).toFixed(1)}%` : '';
    lines.push(`  ${basename(frame.file)}: ${ev}${agree}`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const output of report.outputs) lines.push(`wrote ${output}`);
  return lines.join('\n');
}
