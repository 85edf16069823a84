/** `luxfuse merge`: decode a bracket, merge it, write EXR / JPEG / PNG, report. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { encodePng } from '../../src-shared/codecs/png';
import { DEGHOST_MODES, type DeghostMode, type GhostSummary } from '../../src-shared/ghost/deghost';
import { frameWarnings } from '../../src-shared/image/linear-image';
import { expandPlane } from '../../src-shared/image/scaled-plane';
import { SYNTHESIZE_SIDES, type SynthesizeSide } from '../../src-shared/correct/synthesize';
import { radianceConsistency } from '../../src-shared/merge/radiance-consistency';
import { alignBracket, ALIGN_MODES, type AlignMode, type FrameAlignment } from '../../src-shared/pipeline/align-bracket';
import type { MergeOptions, Method } from '../../src-shared/pipeline/merge-bracket';
import { checkOutputPath, fileIdentity, writeFileAtomic } from '../services/atomic-write';
import { exportOutcome, referenceMeta } from '../services/export-service';
import { defaultModelPath } from '../services/fusion-model';
import { synthesiseMissingFrame } from '../services/correct-service';
import { GHOST_DETECTORS, type GhostDetector } from '../services/ghost-detections';
import { judgeGhosts } from '../services/judge-model';
import { suggestReference } from '../../src-shared/align/suggest-reference';
import { readBracket } from '../services/frames';
import { ISOLATE_MIN_PIXELS, mergeFrames } from '../services/merge-service';
import { parseNumber, parseSecondsList, UsageError } from './parse-values';
import { parseToneFlags } from './tone-options';

type ExrCompression = 'none' | 'zips' | 'zip' | 'piz';
const EXR_COMPRESSIONS: readonly ExrCompression[] = ['zip', 'piz', 'zips', 'none'];

export interface MergeArgs {
  files: string[];
  values: Record<string, string | boolean | undefined>;
}

export { FusionModelMissingError as LearnedModelMissingError } from '../services/fusion-model';

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
  /**
   * The frames' colour space where it is not sRGB (the reference frame's embedded profile, or its EXIF Adobe RGB):
   * what the display outputs carry or are converted from. null for sRGB frames.
   */
  colourSpace: { name: string; from: 'profile' | 'exif'; /** The display outputs: in the frames' space with their profile, or converted into Display P3 (--colorspace). */ display: 'kept' | 'display-p3' } | null;
  /** Per frame: median relative difference between its exposure-normalised well-exposed pixels and the merge. */
  consistency: number[] | null;
  /** Per frame: how it was moved onto the reference frame's grid (mode 'off': not at all). */
  alignment: { mode: AlignMode; reference: number; frames: FrameAlignment[] };
  /** Deghosting: the frame whose content replaced what moved (0-based index into frames, as referenceFrame; --reference counts from 1) and the share of pixels replaced. */
  deghost: { mode: 'off' } | { mode: 'auto'; detector: GhostDetector; reference: number; maskArea: number; maskFile: string | null; millis: number };
  millis: { decode: number; align: number; merge: number; write: number; total: number };
}

/**
 * Why the default learned fusion cannot run here (its model file is missing), or null when it can. Only the file's
 * presence is checked: loading the network here would put its WASM heap on this thread for the whole merge (it runs
 * on a worker of its own for large frames). A file that is there but broken fails the merge with the model's error.
 */
async function learnedUnavailable(): Promise<string | null> {
  const path = defaultModelPath();
  try {
    await access(path, constants.R_OK);
    return null;
  } catch (error) {
    return `Merged with exposure fusion (Mertens), not the default learned fusion: its model ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Pass --method mertens to choose it.`;
  }
}

/** Two outputs on one path would leave only the last written: refused before any work. */
function checkDistinctOutputs(outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(outputs)) {
    if (!path) continue;
    const other = seen.get(resolve(path));
    if (other) throw new UsageError(`${other} and ${flag} both write ${path}: give each output its own file`);
    seen.set(resolve(path), flag);
  }
}

/** The same file twice (under one name or two, through a link) is not a bracket: refused with both names. */
async function checkDistinctInputs(files: readonly string[]): Promise<void> {
  const ids = await Promise.all(files.map(fileIdentity));
  ids.forEach((id, i) => {
    const j = id === null ? -1 : ids.indexOf(id);
    if (j >= 0 && j < i) {
      throw new UsageError(files[j] === files[i] ? `${files[i]} is given twice: a bracket needs each frame once` : `${files[j]} and ${files[i]} are the same file: a bracket needs each frame once`);
    }
  });
}

export async function mergeCommand({ files, values }: MergeArgs): Promise<MergeReport> {
  const started = performance.now();
  const asked = values.method as string | undefined;
  if (asked !== undefined && asked !== 'mertens' && asked !== 'radiance' && asked !== 'learned') throw new UsageError(`--method: '${asked}' is not one of mertens, radiance, learned`);
  if (files.length < 2) throw new UsageError('merge needs at least 2 files');
  // The learned fusion is the default, as in the app; without a usable model file the default falls back to
  // exposure fusion and says so (asked for by name, the model's error stands).
  const fallback = asked === undefined ? await learnedUnavailable() : null;
  const method: Method = (asked as Method | undefined) ?? (fallback ? 'mertens' : 'learned');
  const exrPath = values.exr as string | undefined;
  const jpegPath = values.jpeg as string | undefined;
  const pngPath = values.png as string | undefined;
  const tiffPath = values.tiff as string | undefined;
  const hdrPath = values.hdr as string | undefined;
  if (!exrPath && !jpegPath && !pngPath && !tiffPath && !hdrPath && !values['ghost-mask']) throw new UsageError('merge: give at least one output: --exr, --hdr, --jpeg, --png, --tiff or --ghost-mask');
  const exrCompression = (values['exr-compression'] as string | undefined) ?? 'zip';
  if (!EXR_COMPRESSIONS.includes(exrCompression as ExrCompression)) {
    throw new UsageError(`--exr-compression: '${exrCompression}' is not one of ${EXR_COMPRESSIONS.join(', ')}`);
  }
  const exposureTimes = typeof values['exposure-times'] === 'string' ? parseSecondsList(values['exposure-times']) : undefined;
  if (exposureTimes && exposureTimes.length !== files.length) {
    throw new UsageError(`--exposure-times: ${exposureTimes.length} times for ${files.length} files`);
  }
  const { tone, output } = parseToneFlags(values);
  const quality = Math.round(parseNumber('quality', values.quality as string | undefined, 1, 100, 92));

  // Every output must be writable before any work starts, and never one of the inputs.
  for (const path of [exrPath, hdrPath, jpegPath, pngPath, tiffPath]) if (path) await checkOutputPath(path, files);

  const align = ((values.align as string | undefined) ?? 'similarity') as AlignMode;
  if (!ALIGN_MODES.includes(align)) throw new UsageError(`--align: '${align}' is not one of ${ALIGN_MODES.join(', ')}`);
  const deghost = parseDeghost(values, files.length);
  if (deghost.maskPath) await checkOutputPath(deghost.maskPath, files);
  checkDistinctOutputs({ '--exr': exrPath, '--hdr': hdrPath, '--jpeg': jpegPath, '--png': pngPath, '--tiff': tiffPath, '--ghost-mask': deghost.maskPath });
  await checkDistinctInputs(files);

  const synthesize = values.synthesize as string | undefined;
  if (synthesize !== undefined) {
    if (!SYNTHESIZE_SIDES.includes(synthesize as SynthesizeSide)) throw new UsageError(`--synthesize: '${synthesize}' is not one of ${SYNTHESIZE_SIDES.join(', ')}`);
    if (exposureTimes) throw new UsageError('--synthesize: not with --exposure-times (the synthetic frame has no time of its own); use EXIF or --exposures-from-pixels');
    if (deghost.mode !== 'off') throw new UsageError('--synthesize: not with deghosting (the synthetic frame has no motion of its own to compare)');
  }

  // Refused before the other frames decode when the machine cannot hold the merge (NotEnoughMemoryError).
  const decodedFrames = await readBracket(files, { memoryFor: { method, frames: files.length + (synthesize !== undefined ? 1 : 0), deghost: deghost.mode === 'auto' } });
  const decoded = performance.now();
  // The decoded frames are given up: a frame the alignment moves is not held twice through the merge (nor its
  // original beside the next one's copy).
  const aligned = alignBracket(decodedFrames, align, { consume: true });
  const frames = [...aligned.frames];
  const names = [...files];
  if (synthesize !== undefined) {
    const { frame: synthetic } = await synthesiseMissingFrame(frames, synthesize as SynthesizeSide);
    frames.push(synthetic);
    names.push(synthetic.meta.sourceName!);
  }
  const alignedAt = performance.now();
  // The judge network finds what moved (its detection is handed to the merge's deghosting); the classical detector runs inside the merge.
  const reference = deghost.mode === 'auto' ? (deghost.reference ?? suggestReference(frames)) : undefined;
  const detection = deghost.mode === 'auto' && deghost.detector === 'judge' ? await judgeGhosts(frames, { reference: reference! }) : undefined;
  const judged = detection !== undefined;
  const detectMillis = performance.now() - alignedAt;
  const mergeOptions: MergeOptions = {
    exposureTimes,
    allowPixelEstimate: values['exposures-from-pixels'] === true,
    withRadiance: Boolean(exrPath || hdrPath),
    // In place: this command needs the frames as they were no more (the report's consistency is of the deghosted
    // frames the merge used), and a replaced frame is not held twice.
    ...(deghost.mode === 'auto' ? { deghost: { mode: 'auto', reference, inPlace: true, ...(detection ? { detection } : {}) } } : {}),
  };
  // One merge per command: on large frames the network's heap goes with a worker of its own rather than staying through the blend.
  const outcome = await mergeFrames(frames, method, mergeOptions, { isolateFrom: ISOLATE_MIN_PIXELS });
  const merged = performance.now();
  // The frame the radiance is normalised to (the middle one for fusion) lends its EXIF to the outputs.
  const referenceFrame = referenceMeta(frames, outcome);
  const outputs = await exportOutcome(
    outcome,
    tone,
    {
      output,
      exrPath,
      hdrPath,
      jpegPath,
      pngPath,
      tiffPath,
      quality,
      exrPixelType: values['exr-float'] === true ? 'float' : 'half',
      exrCompression: exrCompression as ExrCompression,
    },
    referenceFrame,
  );
  if (deghost.maskPath && outcome.ghost) {
    await writeFileAtomic(deghost.maskPath, maskPng(outcome.ghost));
    outputs.push(deghost.maskPath);
  }
  const written = performance.now();
  const plan = outcome.plan;
  return {
    method,
    width: outcome.width,
    height: outcome.height,
    frames: frames.map((f, i) => ({
      file: names[i],
      ev: plan ? plan.ev[i] : null,
      evSource: plan ? plan.source[i] : null,
    })),
    referenceFrame: plan ? plan.referenceIndex : null,
    outputs,
    // What the decoders chose (one page of a multi-page TIFF), then what the exposure plan found.
    warnings: [...(fallback ? [fallback] : []), ...frameWarnings(frames), ...(plan?.warnings ?? [])],
    colourSpace: referenceFrame?.colourProfile ? { name: referenceFrame.colourProfile.name, from: referenceFrame.colourProfile.from, display: output === 'srgb' ? 'kept' : output } : null,
    consistency: plan && outcome.radiance ? radianceConsistency(frames, plan.ev, outcome.radiance) : null,
    alignment: { mode: aligned.mode, reference: aligned.reference, frames: aligned.alignment },
    deghost: outcome.ghost
      ? {
          mode: 'auto',
          detector: deghost.detector,
          reference: outcome.ghost.reference,
          maskArea: outcome.ghost.area,
          maskFile: deghost.maskPath ?? null,
          millis: Math.round(outcome.ghost.millis + (judged ? detectMillis : 0)),
        }
      : { mode: 'off' },
    millis: {
      decode: Math.round(decoded - started),
      align: Math.round(alignedAt - decoded),
      merge: Math.round(merged - alignedAt),
      write: Math.round(written - merged),
      total: Math.round(written - started),
    },
  };
}

/**
 * --deghost, --ghost-detector, --reference (1-based, in the order the files were given) and
 * --ghost-mask, which implies --deghost auto. A reference or a detector without deghosting would do
 * nothing, so they are refused.
 */
function parseDeghost(values: MergeArgs['values'], frames: number): { mode: DeghostMode; detector: GhostDetector; reference?: number; maskPath?: string } {
  const detectorText = values['ghost-detector'] as string | undefined;
  if (detectorText !== undefined && !GHOST_DETECTORS.includes(detectorText as GhostDetector)) {
    throw new UsageError(`--ghost-detector: '${detectorText}' is not one of ${GHOST_DETECTORS.join(', ')}`);
  }
  const detector = (detectorText as GhostDetector | undefined) ?? 'judge';
  const maskPath = values['ghost-mask'] as string | undefined;
  const given = values.deghost as string | undefined;
  if (given !== undefined && !DEGHOST_MODES.includes(given as DeghostMode)) throw new UsageError(`--deghost: '${given}' is not one of ${DEGHOST_MODES.join(', ')}`);
  if (maskPath && given === 'off') throw new UsageError('--ghost-mask needs deghosting: drop --deghost off');
  const mode: DeghostMode = maskPath ? 'auto' : ((given as DeghostMode | undefined) ?? 'off');
  if (detectorText !== undefined && mode === 'off') throw new UsageError('--ghost-detector chooses how deghosting finds what moved: add --deghost auto');
  const text = values.reference as string | undefined;
  if (text === undefined) return { mode, detector, maskPath };
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > frames) throw new UsageError(`--reference: '${text}' is not a frame number from 1 to ${frames} (the files in the order given)`);
  if (mode === 'off') throw new UsageError('--reference chooses the frame deghosting keeps: add --deghost auto');
  return { mode, detector, reference: n - 1, maskPath };
}

/** The mask as an 8-bit grey PNG: 255 where the reference's content was taken, 0 elsewhere. */
function maskPng(ghost: GhostSummary): Uint8Array {
  const data = expandPlane(ghost.mask);
  for (let p = 0; p < data.length; p++) data[p] = data[p] ? 255 : 0;
  return encodePng({ width: ghost.width, height: ghost.height, channels: 1, bits: 8, data });
}

/** mergeBracket's outcome for the learned fusion model (run here: the model runtime is Node's, not src-shared's). */
export function describeMerge(report: MergeReport): string {
  const lines = [`${report.method} merge of ${report.frames.length} frames, ${report.width}x${report.height}, ${report.millis.total} ms`];
  for (const [i, frame] of report.frames.entries()) {
    const reference = i === report.referenceFrame ? ', reference' : '';
    const ev = frame.ev === null ? 'exposure not used' : `${frame.ev >= 0 ? '+' : ''}${frame.ev.toFixed(2)} EV (${frame.evSource}${reference})`;
    const agree = report.consistency ? `, agrees with the merge within ${(report.consistency[i] * 100).toFixed(1)}%` : '';
    const a = report.alignment.frames[i];
    const moved = a && (a.method === 'translation' || a.method === 'similarity') ? `, aligned by ${a.dx.toFixed(1)},${a.dy.toFixed(1)} px ${a.rotationDeg.toFixed(2)}°` : '';
    lines.push(`  ${basename(frame.file)}: ${ev}${agree}${moved}`);
  }
  if (report.deghost.mode === 'auto') {
    lines.push(`deghosted from ${basename(report.frames[report.deghost.reference].file)} (${report.deghost.detector === 'judge' ? 'judge network' : 'classical detector'}): ${(report.deghost.maskArea * 100).toFixed(1)}% of the image`);
  }
  if (report.colourSpace) {
    const { name, from, display } = report.colourSpace;
    const shown = display === 'kept' ? 'the JPEG, PNG and TIFF keep it' : 'the JPEG, PNG and TIFF are converted into Display P3';
    lines.push(`colour space: "${name}" (the frames' ${from === 'exif' ? 'EXIF' : 'ICC profile'}), not sRGB: ${shown}, the EXR and HDR are in sRGB's primaries`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const output of report.outputs) lines.push(`wrote ${output}`);
  return lines.join('\n');
}
