/**
 * The app's working state in main: loaded brackets and their merges, kept in memory by id so the
 * renderer only ever receives previews. The CLI runs the same pipeline without this cache.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { BatchRequest, BatchStatus, ExportRequest, ExportResult, FrameInfo, FramePreviewRequest, FusionInputResult, GhostOverlay, LoadResult, MergeRequest, MergeResult, PreviewImage, PreviewRegionRequest, SynthesizeSide, Thumbnail, WeightMap, WeightMapRequest } from '../../src-preload/contract';
import { suggestReference } from '../../src-shared/align/suggest-reference';
import { deghostBracket, planWithoutGhosts, type DeghostOptions } from '../../src-shared/ghost/deghost';
import { DEFAULT_THRESHOLD, type GhostDetection } from '../../src-shared/ghost/detect';
import { applyStrokes } from '../../src-shared/ghost/strokes';
import { SYNTHETIC_STOPS } from '../../src-shared/correct/synthesize';
import { cropImage } from '../../src-shared/image/crop';
import { downsample } from '../../src-shared/image/resample';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { alignBracket, type AlignedBracket, type AlignMode } from '../../src-shared/pipeline/align-bracket';
import type { CorrectMethod, CorrectResult } from '../../src-shared/correct/correct';
import { addRadiance, RECOVER_METHODS, type Method, type MergeOutcome, type RecoverMethod } from '../../src-shared/pipeline/merge-bracket';
import { learnedInput, mergeFrames } from './merge-service';
import { fusionInputKey } from '../../src-shared/fusion/given-weights';
import { planExposures } from '../../src-shared/pipeline/plan-exposures';
import { autoKey, toneMapGlobal } from '../../src-shared/tonemap/global';
import { checkOutputPath } from './atomic-write';
import { exportOutcome } from './export-service';
import { correctImage, synthesiseMissingFrame } from './correct-service';
import { readBracket, readFrame } from './frames';
import { GhostDetections } from './ghost-detections';
import { BatchExporter, type GroupEngine } from './batch-service';

interface MergeInput {
  frames: LinearImage[];
  exposureTimes?: number[];
  synthetic?: { frame: LinearImage; source: number };
  deghost?: DeghostOptions;
}

interface Project {
  paths: string[];
  frames: LinearImage[];
  /** A one-frame project's corrections, by correction method (the two recover views share one). */
  corrections?: Map<CorrectMethod, CorrectResult>;
  outcome: MergeOutcome | null;
  exposureTimes?: number[];
  /** Frames on the reference grid for the last alignment mode asked for (alignment runs once per mode). */
  aligned?: AlignedBracket;
  /** Synthetic extreme frames made from the aligned frames, by side (dropped when the alignment changes). */
  synthetic?: Map<SynthesizeSide, { frame: LinearImage; source: number }>;
  /** The frames the last merge saw (aligned, plus a synthetic one): what its export needs again. */
  merged?: LinearImage[];
  /** Ghost detections of the aligned frames (dropped when the alignment changes), and their suggested reference. */
  ghosts?: { detections: GhostDetections; suggested: number };
  /** How the last merge was deghosted (its detection, strokes applied): the export deghosts the same way. */
  deghost?: DeghostOptions;
}

export class UnknownProjectError extends Error {
  constructor(id: string) {
    super(`project ${id} is not loaded (it may have been closed); open the files again`);
    this.name = 'UnknownProjectError';
  }
}

const THUMBNAIL_SIDE = 240;
const DEFAULT_PREVIEW_SIDE = 1280;
/** Full-resolution frames are large: keep only the most recent projects. */
const MAX_PROJECTS = 2;

export interface ProjectServiceOptions {
  /** Every change of a running batch export's status (the engine thread posts it to main). */
  onBatchStatus?: (status: BatchStatus) => void;
}

export class ProjectService {
  private readonly projects = new Map<string, Project>();
  private batch: BatchExporter | null = null;

  constructor(private readonly options: ProjectServiceOptions = {}) {}

  /** Forgets a project and its frames. */
  release(projectId: string): void {
    this.projects.delete(projectId);
  }

  /** Starts a batch export of library groups (a service of its own, so the open projects stay loaded). */
  async batchStart(request: BatchRequest): Promise<{ id: number }> {
    this.batch ??= new BatchExporter(projectGroupEngine(new ProjectService()), this.options.onBatchStatus);
    return this.batch.start(request);
  }

  async batchStatus(): Promise<BatchStatus | null> {
    return this.batch?.status() ?? null;
  }

  async batchCancel(): Promise<null> {
    this.batch?.cancel();
    return null;
  }

  /** One file opens as a one-frame project (to be recovered); several as a bracket. */
  async load(paths: string[]): Promise<LoadResult> {
    const frames = paths.length === 1 ? [await readFrame(paths[0])] : await readBracket(paths);
    const projectId = randomUUID();
    this.projects.set(projectId, { paths, frames, outcome: null });
    while (this.projects.size > MAX_PROJECTS) {
      this.projects.delete(this.projects.keys().next().value as string);
    }
    return { projectId, frames: frames.map((frame, i) => frameInfo(paths[i], frame)) };
  }

  async merge(request: MergeRequest): Promise<MergeResult> {
    const project = this.get(request.projectId);
    const started = performance.now();
    const recover = (RECOVER_METHODS as readonly string[]).includes(request.method);
    if (project.frames.length === 1 && !recover) throw new Error('A single frame cannot be merged: choose Recover highlights/shadows, or open a bracket');
    if (project.frames.length > 1 && recover) throw new Error('Recover works on a single frame; merge a bracket instead');
    if (recover && request.synthesize) throw new Error('A missing exposure is synthesised for a bracket; a single frame is recovered instead');
    if (recover && request.deghost) throw new Error('Deghosting compares the frames of a bracket; a single frame has nothing to compare');
    if (request.deghost && request.synthesize) {
      throw new Error('Deghosting and a synthesised missing frame do not go together (the synthetic frame has no motion of its own to compare): turn one of them off');
    }
    const asked = request.deghost?.reference;
    if (asked !== undefined && !(Number.isInteger(asked) && asked >= 0 && asked < project.frames.length)) {
      throw new Error(`The deghosting reference must be one of the ${project.frames.length} frames, got ${asked}`);
    }
    if (recover) return this.recover(project, request, started);
    const { frames, exposureTimes, synthetic, deghost } = await this.mergeInput(project, request);
    const previewSide = request.previewMaxSide ?? DEFAULT_PREVIEW_SIDE;
    // The fusion's weight maps are kept at the preview's size with the merge: the weights overlay shows what the blend used.
    const outcome = await mergeFrames(frames, request.method as Method, { exposureTimes, allowPixelEstimate: true, weightMapSide: previewSide, ...(deghost ? { deghost } : {}) }, { weights: request.fusionWeights });
    project.outcome = outcome;
    project.exposureTimes = exposureTimes;
    project.merged = frames;
    project.deghost = deghost;
    const image = outcome.method === 'radiance' ? outcome.radiance! : outcome.fused!;
    const preview = downsample(image, previewSide);
    const ghost = deghost?.detection ? ghostOverlay(deghost.detection, preview.width, preview.height, project.ghosts!.detections.lastMillis, project.ghosts!.detections.lastDetector) : undefined;
    const plan = outcome.plan;
    return {
      projectId: request.projectId,
      method: outcome.method,
      width: outcome.width,
      height: outcome.height,
      mode: outcome.method === 'radiance' ? 'radiance' : 'display',
      key: outcome.key,
      preview: { width: preview.width, height: preview.height, data: preview.data },
      ev: plan?.ev ?? project.frames.map((f) => f.ev ?? Number.NaN),
      evSource: plan?.source ?? project.frames.map(() => 'metadata' as const),
      warnings: plan?.warnings ?? [],
      alignment: project.aligned!.alignment,
      ...(synthetic ? { synthetic: { name: synthetic.frame.meta.sourceName!, source: synthetic.source } } : {}),
      ...(ghost ? { ghost } : {}),
      ...(outcome.method === 'learned' ? { network: request.fusionWeights ? ('renderer' as const) : ('main' as const) } : {}),
      millis: Math.round(performance.now() - started),
    };
  }

  /** The learned network's input for this merge request, as merge() computes it, for the renderer to run the network on. */
  async fusionInput(request: MergeRequest): Promise<FusionInputResult> {
    const project = this.get(request.projectId);
    if (project.frames.length < 2) throw new Error('A single frame has no bracket to fuse');
    const { frames, exposureTimes, deghost } = await this.mergeInput(project, request);
    const input = learnedInput(frames, { exposureTimes, allowPixelEstimate: true, ...(deghost ? { deghost } : {}) });
    return { ...input, key: fusionInputKey(input) };
  }

  /** A bracket's frames as a merge sees them (aligned, plus a synthetic one), its exposure times and its deghosting. */
  private async mergeInput(project: Project, request: MergeRequest): Promise<MergeInput> {
    // The app has no flags to ask for: a frame without exposure data gets a pixel estimate and a warning.
    const mode: AlignMode = request.align ?? 'similarity';
    if (!project.aligned || project.aligned.mode !== mode) {
      project.aligned = alignBracket(project.frames, mode);
      project.synthetic = undefined;
      project.ghosts = undefined;
    }
    let frames = project.aligned.frames;
    let exposureTimes = request.exposureTimes;
    let synthetic: { frame: LinearImage; source: number } | undefined;
    if (request.synthesize) {
      project.synthetic ??= new Map();
      synthetic = project.synthetic.get(request.synthesize);
      if (!synthetic) {
        synthetic = await synthesiseMissingFrame(frames, request.synthesize);
        project.synthetic.set(request.synthesize, synthetic);
      }
      frames = [...frames, synthetic.frame];
      // Times the user typed cover the loaded frames; the synthetic one is its source's, moved.
      if (exposureTimes?.length === project.frames.length) exposureTimes = [...exposureTimes, exposureTimes[synthetic.source] * 2 ** (request.synthesize === 'dark' ? -SYNTHETIC_STOPS : SYNTHETIC_STOPS)];
    }
    const deghost = request.deghost ? await this.deghostOptions(project, project.aligned.frames, request.deghost) : undefined;
    return { frames, exposureTimes, synthetic, deghost };
  }

  /** The detection for this reference and threshold (kept between merges), with the user's strokes applied. */
  private async deghostOptions(project: Project, frames: LinearImage[], request: NonNullable<MergeRequest['deghost']>): Promise<DeghostOptions> {
    project.ghosts ??= { detections: new GhostDetections(frames), suggested: suggestReference(frames) };
    const reference = request.reference ?? project.ghosts.suggested;
    const found = await project.ghosts.detections.detect(reference, request.threshold ?? DEFAULT_THRESHOLD);
    return { mode: 'auto', reference, detection: applyStrokes(found, request.strokes ?? []) };
  }

  /** A one-frame project: the correction networks (or the physics), shown as the corrected frame or as the tone-mapped HDR estimate. */
  private async recover(project: Project, request: MergeRequest, started: number): Promise<MergeResult> {
    const method = request.method as RecoverMethod;
    const correctMethod: CorrectMethod = method === 'recover-classical' ? 'classical' : 'learned';
    project.corrections ??= new Map();
    let result = project.corrections.get(correctMethod);
    if (!result) {
      result = await correctImage(project.frames[0], { method: correctMethod });
      project.corrections.set(correctMethod, result);
    }
    const hdrView = method === 'recover-hdr';
    const outcome: MergeOutcome = {
      method,
      width: result.ldr.width,
      height: result.ldr.height,
      fused: result.ldr,
      radiance: result.hdr,
      plan: null,
      key: hdrView ? autoKey(result.hdr) : 1,
    };
    project.outcome = outcome;
    project.deghost = undefined;
    const preview = downsample(hdrView ? result.hdr : result.ldr, request.previewMaxSide ?? DEFAULT_PREVIEW_SIDE);
    return {
      projectId: request.projectId,
      method,
      correctionStops: result.stops,
      width: outcome.width,
      height: outcome.height,
      mode: hdrView ? 'radiance' : 'display',
      key: outcome.key,
      preview: { width: preview.width, height: preview.height, data: preview.data },
      ev: [0],
      evSource: ['pixels'],
      warnings: result.clipped > 0.5 ? [`${Math.round(result.clipped * 100)}% of the frame is clipped: the recovered highlights there are an estimate`] : [],
      alignment: [],
      millis: Math.round(performance.now() - started),
    };
  }

  /** One frame as shot at the preview's size (aligned once merged, so it lies on the merge pixel for pixel), for the viewer. */
  async framePreview(request: FramePreviewRequest): Promise<Thumbnail> {
    const project = this.get(request.projectId);
    const frames = project.aligned?.frames ?? project.frames;
    const { index } = request;
    if (!(Number.isInteger(index) && index >= 0 && index < frames.length)) throw new RangeError(`frame ${index} is not one of the ${frames.length} frames`);
    return asShot(frames[index], request.maxSide);
  }

  /** A rectangle of the image the last merge's preview was made from, at up to full resolution, for the viewer zoomed in. */
  async previewRegion(request: PreviewRegionRequest): Promise<PreviewImage> {
    const outcome = this.get(request.projectId).outcome;
    if (!outcome) throw new Error('merge the bracket before asking for a region of it');
    const shown = outcome.method === 'radiance' || outcome.method === 'recover-hdr' ? outcome.radiance! : outcome.fused!;
    const { x, y, width, height } = request;
    const region = downsample(cropImage(shown, { x, y, width, height }), request.maxSide);
    return { width: region.width, height: region.height, data: region.data };
  }

  /** One frame's weights in the last merge, at its preview's size: the maps the merge itself blended with, kept from it. */
  async weightMap(request: WeightMapRequest): Promise<WeightMap> {
    const project = this.get(request.projectId);
    const outcome = project.outcome;
    if (!outcome) throw new Error('merge the bracket before asking for its weight maps');
    const single = (RECOVER_METHODS as readonly string[]).includes(outcome.method);
    const count = single ? 1 : (project.merged ?? project.frames).length;
    const { index } = request;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new RangeError(`frame ${index} is not one of the ${count} frames of the merge`);
    const maps = outcome.weightMaps;
    if (!maps) return { available: false, index, reason: noWeightsReason(outcome.method) };
    return weightMapOf(maps[index], index);
  }

  async export(request: ExportRequest): Promise<ExportResult> {
    const project = this.get(request.projectId);
    const outcome = project.outcome;
    if (!outcome) throw new Error('merge the bracket before exporting');
    for (const path of [request.exrPath, request.jpegPath, request.tiffPath]) {
      if (path) await checkOutputPath(path, project.paths);
    }
    const frames = project.merged ?? project.frames;
    if (request.exrPath && !outcome.radiance) {
      const options = { exposureTimes: project.exposureTimes, allowPixelEstimate: true };
      // A deghosted merge exports the same deghosted frames, planned as mergeBracket plans them.
      const ghost = project.deghost ? deghostBracket(frames, project.deghost) : null;
      if (ghost) addRadiance(outcome, ghost.frames, planWithoutGhosts(ghost.frames, ghost.summary.mask, options));
      else addRadiance(outcome, frames, planExposures(frames, options));
    }
    const reference = frames[outcome.plan?.referenceIndex ?? Math.floor(frames.length / 2)].meta;
    const written = await exportOutcome(
      outcome,
      request.tone,
      {
        exrPath: request.exrPath,
        jpegPath: request.jpegPath,
        tiffPath: request.tiffPath,
        quality: request.quality,
        output: request.output,
        maxSide: request.maxSide,
        exrPixelType: request.exrPixelType,
        exrCompression: request.exrCompression,
      },
      reference,
    );
    return { written };
  }

  private get(id: string): Project {
    const project = this.projects.get(id);
    if (!project) throw new UnknownProjectError(id);
    return project;
  }
}

/** One batch group through the app's own load, merge and export (the same files a single export writes), then released. */
export function projectGroupEngine(service: ProjectService): GroupEngine {
  return {
    async exportGroup(job, method, request, stage) {
      const { projectId } = await service.load(job.files);
      try {
        stage('merging');
        await service.merge({ projectId, method, align: request.align, previewMaxSide: 64 });
        stage('writing');
        const at = (ext: string) => job.outputs.find((o) => o.endsWith(`.${ext}`));
        const o = request.options;
        const { written } = await service.export({
          projectId,
          tone: request.tone,
          output: o.output,
          quality: o.quality,
          ...(o.maxSide !== undefined ? { maxSide: o.maxSide } : {}),
          exrPixelType: o.exrPixelType,
          exrCompression: o.exrCompression,
          exrPath: at('exr'),
          jpegPath: at('jpg'),
          tiffPath: at('tif'),
        });
        return written;
      } finally {
        service.release(projectId);
      }
    },
  };
}

/** The final mask and the detector's uncertainty at the preview's size (box-averaged as the preview is). */
function ghostOverlay(detection: GhostDetection, width: number, height: number, detectMillis: number, detector: GhostOverlay['detector']): GhostOverlay {
  const plane = (data: Float32Array): Float32Array => {
    const image: LinearImage = { width: detection.width, height: detection.height, channels: 1, data, ev: 0, meta: {} };
    const small = downsample(image, Math.max(width, height));
    if (small.width !== width || small.height !== height) throw new Error(`ghost overlay came out ${small.width}x${small.height}, not the preview's ${width}x${height}`);
    return small.data;
  };
  const unsure = plane(detection.uncertainty);
  const full = new Float32Array(detection.mask.length);
  for (let p = 0; p < full.length; p++) full[p] = detection.mask[p];
  const covered = plane(full);
  // Plain loops: TypedArray.from with a mapping function is an order of magnitude slower here.
  const uncertainty = new Uint8Array(width * height);
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) {
    uncertainty[p] = Math.round(255 * Math.min(1, Math.max(0, unsure[p])));
    mask[p] = covered[p] >= 0.5 ? 1 : 0;
  }
  return { reference: detection.reference, area: detection.area, width, height, uncertainty, mask, detectMillis: Math.round(detectMillis), detector };
}

/** Why a merge has no weight maps to show, in the user's words. */
function noWeightsReason(method: MergeOutcome['method']): string {
  if (method === 'radiance') {
    return 'The radiance merge has no weight maps to show: it trusts each frame pixel by pixel and channel by channel, by exposure and clipping. Exposure fusion and learned fusion show theirs.';
  }
  return 'A recovered single photo is not a blend of frames: there are no weights to show.';
}

/** A kept weight map (0..1) as 8-bit levels, with the frame's mean weight. */
function weightMapOf(map: LinearImage, index: number): WeightMap {
  const data = new Uint8Array(map.width * map.height);
  let sum = 0;
  for (let p = 0; p < data.length; p++) {
    const v = Math.min(1, Math.max(0, map.data[p]));
    sum += v;
    data[p] = Math.round(255 * v);
  }
  return { available: true, index, width: map.width, height: map.height, data, share: data.length > 0 ? sum / data.length : 0 };
}

/** The frame downsampled (as the merge's preview is) and sRGB-encoded as shot: no tone mapping. */
function asShot(frame: LinearImage, maxSide: number): Thumbnail {
  const thumb = toneMapGlobal(downsample(frame, maxSide), { exposure: 0, contrast: 0, mode: 'display' });
  return { width: thumb.width, height: thumb.height, data: thumb.data };
}

function frameInfo(path: string, frame: LinearImage): FrameInfo {
  const thumb = asShot(frame, THUMBNAIL_SIDE);
  return {
    path,
    name: basename(path),
    width: frame.width,
    height: frame.height,
    ev: frame.ev,
    exposureTime: frame.meta.exposureTime,
    fNumber: frame.meta.fNumber,
    iso: frame.meta.iso,
    ...(frame.meta.dateTimeOriginal ? { captured: frame.meta.dateTimeOriginal } : {}),
    thumbnail: { width: thumb.width, height: thumb.height, data: thumb.data },
  };
}
