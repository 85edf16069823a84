/**
 * The app's working state in main: loaded brackets and their merges, kept in memory by id so the
 * renderer only ever receives previews. The CLI runs the same pipeline without this cache.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { SUPERSEDED_MESSAGE, type BatchRequest, type BatchStatus, type ExportRequest, type ExportResult, type FrameInfo, type FramePreviewRequest, type FusionInputResult, type GhostOverlay, type LoadResult, type MergeRequest, type MergeResult, type MergeStage, type ModelName, type PreviewImage, type PreviewRegionRequest, type SynthesizeSide, type Thumbnail, type WeightMap, type WeightMapRequest } from '../../src-preload/contract';
import { suggestReference } from '../../src-shared/align/suggest-reference';
import { deghostBracket, DeghostUndoError, planWithoutGhosts, type DeghostOptions } from '../../src-shared/ghost/deghost';
import { DEFAULT_THRESHOLD, type GhostDetection } from '../../src-shared/ghost/detect';
import { applyStrokes } from '../../src-shared/ghost/strokes';
import { SYNTHETIC_STOPS } from '../../src-shared/correct/synthesize';
import { cropImage } from '../../src-shared/image/crop';
import { downsample, downsampleKeepingClips, downsampleRows, pointSample } from '../../src-shared/image/resample';
import { planeRow } from '../../src-shared/image/scaled-plane';
import { warpFrame } from '../../src-shared/align/warp';
import { frameWarnings, type LinearImage } from '../../src-shared/image/linear-image';
import { alignBracket, alignmentProxies, scaleAlignment, type AlignedBracket, type AlignMode, type FrameAlignment } from '../../src-shared/pipeline/align-bracket';
import type { GreyProxy } from '../../src-shared/align/proxy';
import type { CorrectMethod, CorrectResult } from '../../src-shared/correct/correct';
import { addRadiance, prepareMerge, RECOVER_METHODS, type MergeOptions, type Method, type MergeOutcome, type PreparedMerge, type RecoverMethod } from '../../src-shared/pipeline/merge-bracket';
import { fuseFrames, ISOLATE_MIN_PIXELS, learnedInput } from './merge-service';
import { LET_GO_MIN_PIXELS, OriginalFrames } from './original-frames';
import { openTileSpill, type ClosableTileSpill } from './tile-spill';
import { EngineActivity } from './engine-activity';
import { warmFusionModelKept } from './fusion-model';
import { checkMergeMemoryHere } from './memory-available';
import { fusionInputKey } from '../../src-shared/fusion/given-weights';
import { FusionWeightCache } from '../../src-shared/fusion/weight-cache';
import { planExposures } from '../../src-shared/pipeline/plan-exposures';
import { autoKey, toneMapGlobal } from '../../src-shared/tonemap/global';
import { checkOutputPath } from './atomic-write';
import { exportOutcome, referenceMeta } from './export-service';
import { frameColorants, sceneReferred } from './frame-colour';
import { correctImage, synthesiseMissingFrame } from './correct-service';
import { readBracket, readFrame } from './frames';
import { GhostDetections, type GhostDetector } from './ghost-detections';
import { BatchExporter, type GroupEngine } from './batch-service';

interface MergeInput {
  frames: LinearImage[];
  exposureTimes?: number[];
  synthetic?: { frame: LinearImage; source: number };
  deghost?: DeghostOptions;
  /** How each frame was aligned, in full-resolution pixels. */
  alignment: FrameAlignment[];
  /** What found the ghosts and how long it took this time, for the overlay. */
  ghostSource?: { millis: number; detector: GhostDetector };
  /** What a preview's radiance merge plans its exposures on: the aligned point samples (plus the synthetic frame). */
  planFrames?: LinearImage[];
}

/** One stage's frames and what is computed from them (kept between merges; dropped with the alignment they depend on). */
interface StageFrames {
  stage: MergeStage;
  /** The frames as loaded, at this stage's size. */
  frames: LinearImage[];
  /** Long side the frames were box-downsampled to (the preview's size); absent at full resolution. */
  side?: number;
  /** Full-resolution pixels per pixel of these frames, across and down (1 at full resolution). */
  scale: [number, number];
  /** A one-frame project's corrections, by correction method (the two recover views share one). */
  corrections?: Map<CorrectMethod, CorrectResult>;
  /** Frames on the reference grid for the last alignment mode asked for (alignment runs once per mode). */
  aligned?: AlignedBracket;
  /** That alignment while it runs (the full stage may read frames again first): a merge asking for the same mode waits for it. */
  aligning?: { mode: AlignMode; done: Promise<AlignedBracket> };
  /** Synthetic extreme frames made from the aligned frames, by side (dropped when the alignment changes). */
  synthetic?: Map<SynthesizeSide, { frame: LinearImage; source: number }>;
  /** Ghost detections of the aligned frames (dropped when the alignment changes), and their suggested reference. */
  ghosts?: { detections: GhostDetections; suggested: number };
  /** A preview's point samples of the full-resolution frames on its grid, made for its first radiance merge: its exposures are planned on them (MergeOptions.planFrames). */
  samples?: LinearImage[];
  /** The samples moved as the frames were aligned (dropped when the alignment changes). */
  alignedSamples?: LinearImage[];
  /** The learned network's recent outputs at this stage, by exact input: a merge that would feed it the same input again reuses them. */
  network: FusionWeightCache;
}

/** A finished merge of one stage, set whole when it is done: an abandoned merge sets none. */
interface StageMerge {
  stage: MergeStage;
  /** editKey of the request it answers, and the generation it was asked in. */
  key: string;
  generation: number;
  /** Its place in the order the project's merges finished in: the newer of a preview and a full merge is shown. */
  order: number;
  outcome: MergeOutcome;
  /** The frames the merge saw (aligned, plus a synthetic one): what its export and the frame previews need again. */
  merged: LinearImage[];
  exposureTimes?: number[];
  /** How it was deghosted (its detection, strokes applied): the export deghosts the same way. */
  deghost?: DeghostOptions;
  ghostSource?: MergeInput['ghostSource'];
  /** What its result reports besides the image, decided with the merge. */
  facts: Omit<MergeResult, 'projectId' | 'stage' | 'generation' | 'width' | 'height' | 'preview' | 'ghost' | 'millis'>;
}

/** A merge as asked for: the image (editKey) and the project's generation when it was asked. */
interface Asked {
  key: string;
  generation: number;
}

interface Project {
  paths: string[];
  /**
   * The frames as loaded: `originals.frames`. A large frame the full-size alignment moved is let go (its samples read
   * again from its file when needed: originals.frame/all); its size and metadata stay here.
   */
  frames: LinearImage[];
  originals: OriginalFrames;
  /** The full-resolution stage: its frames are `frames`. */
  full: StageFrames;
  /** The frames box-downsampled to the preview's size (made at load for the default size, else by the first preview of another). */
  preview?: StageFrames;
  /** The frame the bracket is aligned to at every stage, suggested once from the full-resolution frames. */
  reference?: number;
  /** The full-resolution frames' grey proxies that suggestion read (about 13 MB a 24 MP frame): the full stage's alignment reuses them. */
  proxies?: GreyProxy[];
  /** The latest merge asked for (its network weights left out: they fit one stage only), its editKey and generation. */
  asked?: Asked & { request: MergeRequest };
  /** Bumped whenever a merge of another image than the last one is asked for: a merge of an older generation is abandoned. */
  generation: number;
  /** The full-resolution merge in flight: a request of the same generation waits for it instead of starting another. */
  running?: { generation: number; done: Promise<StageMerge> };
  /** The end of the last full-size merge queued: they run one at a time (inTurn), each holding a bracket's worth of planes. */
  fullTurn: Promise<void>;
  /**
   * Set while a full-size merge has deghosted the stage's frames in place (prepareMerge with inPlace 'undoable'),
   * until it has put them back: whatever reads those frames, or the frames as loaded, outside that merge waits for it
   * (framesFree) right before it reads.
   */
  framesBusy?: Promise<void>;
  fullMerge?: StageMerge;
  previewMerge?: StageMerge;
  /** Merges finished so far (StageMerge.order). */
  finished: number;
}

export class UnknownProjectError extends Error {
  constructor(id: string) {
    super(`project ${id} is not loaded (it may have been closed); open the files again`);
    this.name = 'UnknownProjectError';
  }
}

/** A merge abandoned at a stage boundary because another image was asked for since: the caller drops it (no failure). */
export class MergeSupersededError extends Error {
  constructor() {
    super(`this merge was ${SUPERSEDED_MESSAGE}`);
    this.name = 'MergeSupersededError';
  }
}

const THUMBNAIL_SIDE = 240;
const DEFAULT_PREVIEW_SIDE = 1280;
/**
 * A preview is aligned on a grey proxy of at most this long side (alignFrames' default is 1536): for
 * 3 frames at 1280 px the estimate took 1.8-3.2 s on the preview's own pixels, about 0.5 s on 2x2 blocks.
 */
const PREVIEW_PROXY_SIDE = 640;
/** Full-resolution frames are large: keep only the most recent projects. */
const MAX_PROJECTS = 2;

/**
 * How long the engine must have had no call before a model warm-up takes its next step: longer than the
 * renderer's pause before it refines a preview (REFINE_IDLE_MS, 500 ms), so a warm-up does not start
 * between a preview and its full merge, nor between a load and the merge the renderer asks for next.
 */
const WARM_AFTER_QUIET_MS = 1000;

/** What readies each model main runs itself, given what to wait for before each step (models:warm). */
const WARMUPS: Record<ModelName, (idle: () => Promise<void>) => Promise<void>> = {
  // On the kept worker, where main's previews run the network (stageMerge).
  fusion: (idle) => warmFusionModelKept(idle),
};

export interface ProjectServiceOptions {
  /** Every change of a running batch export's status (the engine thread posts it to main). */
  onBatchStatus?: (status: BatchStatus) => void;
  /** Whose calls count as the engine being busy: the batch's own service shares its engine's. */
  activity?: EngineActivity;
  /**
   * Frames from this many pixels on are let go once the full-size alignment has moved them (OriginalFrames), a full
   * merge of another image drops the last one first, and a deghosted full merge deghosts them in place (undoable).
   * Default LET_GO_MIN_PIXELS (4 MP); tests lower it.
   */
  letGoMinPixels?: number;
  /** Where an in-place deghosted merge keeps the tiles it overwrote (null: in memory); default a temporary file (openTileSpill). */
  tileSpill?: () => ClosableTileSpill | null;
}

export class ProjectService {
  private readonly projects = new Map<string, Project>();
  private batch: BatchExporter | null = null;
  private readonly activity: EngineActivity;
  /** Models the renderer asked main to ready (models:warm): main runs them. */
  private readonly warmAsked = new Set<ModelName>();

  private readonly letGoMinPixels: number;

  constructor(private readonly options: ProjectServiceOptions = {}) {
    this.activity = options.activity ?? new EngineActivity();
    this.letGoMinPixels = options.letGoMinPixels ?? LET_GO_MIN_PIXELS;
  }

  /**
   * Readies a model main will run (the renderer said so: models:warm) in the engine's quiet time, so
   * the first merge that needs it does not pay for that. Resolves when the model is ready or the
   * warm-up gave up; never rejects: a model that cannot load is the merge's error to report.
   */
  async warmModel(model: ModelName): Promise<null> {
    this.warmAsked.add(model);
    await WARMUPS[model](() => this.activity.quiet(WARM_AFTER_QUIET_MS));
    return null;
  }

  /** Forgets a project and its frames. */
  release(projectId: string): void {
    this.projects.delete(projectId);
  }

  /** Starts a batch export of library groups (a service of its own, so the open projects stay loaded). */
  async batchStart(request: BatchRequest): Promise<{ id: number }> {
    this.batch ??= new BatchExporter(projectGroupEngine(new ProjectService({ activity: this.activity })), this.options.onBatchStatus);
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
  load(paths: string[]): Promise<LoadResult> {
    return this.activity.track(async () => {
      // The method is the user's to change: a bracket is refused here only if the heaviest merge would not fit.
      const frames = paths.length === 1 ? [await readFrame(paths[0])] : await readBracket(paths, { memoryFor: { method: 'any' } });
      const projectId = randomUUID();
      const originals = await OriginalFrames.open(paths, frames, { minPixels: this.letGoMinPixels });
      const project: Project = {
        paths,
        frames: originals.frames,
        originals,
        full: { stage: 'full', frames: originals.frames, scale: [1, 1], network: new FusionWeightCache() },
        generation: 0,
        finished: 0,
        fullTurn: Promise.resolve(),
      };
      // The preview's frames are made here and the thumbnails from them: one pass over the full frames serves both.
      const preview = Math.max(frames[0].width, frames[0].height) > DEFAULT_PREVIEW_SIDE ? previewStage(frames, DEFAULT_PREVIEW_SIDE) : undefined;
      if (preview) project.preview = preview;
      this.projects.set(projectId, project);
      while (this.projects.size > MAX_PROJECTS) {
        this.projects.delete(this.projects.keys().next().value as string);
      }
      return { projectId, frames: (preview?.frames ?? frames).map((frame, i) => frameInfo(paths[i], frame, frames[i])) };
    });
  }

  /**
   * Merges at the stage asked for. A preview runs the whole pipeline on the frames downsampled to
   * the preview's size; a full merge joins one already running for the same image. Either is
   * abandoned (MergeSupersededError) at its next stage boundary once another image is asked for.
   */
  merge(request: MergeRequest): Promise<MergeResult> {
    return this.activity.track(async () => {
      const project = this.get(request.projectId);
      const started = performance.now();
      checkRequest(project, request);
      const asked = this.ask(project, request);
      const full = this.stageOf(project, request) === 'full';
      const merge = full ? await this.fullMerge(project, request, asked) : await this.stageMerge(project, request, asked, await this.previewFrames(project, request));
      // A full-size stage ended the kept worker the previews run main's network on: it is warmed again in the next
      // pause, so the next edit's preview does not pay for the session and the heap (about 2 s, bench/network-kept.ts).
      if (full && request.method === 'learned' && this.warmAsked.has('fusion')) void this.warmModel('fusion');
      return this.result(project, request, merge, asked.generation, started);
    });
  }

  /** The learned network's input for this merge request, as merge() computes it at the request's stage, for the renderer to run the network on. */
  fusionInput(request: MergeRequest): Promise<FusionInputResult> {
    return this.activity.track(async () => {
      const project = this.get(request.projectId);
      if (project.frames.length < 2) throw new Error('A single frame has no bracket to fuse');
      checkRequest(project, request);
      // Asking for the input is the start of a merge: one running for another image stops at its next boundary.
      const asked = this.ask(project, request);
      const full = this.stageOf(project, request) === 'full';
      const input = async () => {
        const stage = full ? project.full : await this.previewFrames(project, request);
        const { frames, exposureTimes, deghost } = await this.mergeInput(project, stage, request, asked);
        return learnedInput(frames, { exposureTimes, allowPixelEstimate: true, ...(deghost ? { deghost } : {}) }, stage.stage);
      };
      // The full stage's input is read between full-size merges, never during one.
      const made = full ? await this.inTurn(project, input) : await input();
      return { ...made, key: fusionInputKey(made) };
    });
  }

  /**
   * Records the request as the latest, in a new generation when it asks for another image. A request
   * that names an older generation (a refinement of a preview since replaced) is dropped at once: it
   * must not displace the newer merge.
   */
  private ask(project: Project, request: MergeRequest): Asked {
    if (request.generation !== undefined && request.generation !== project.generation) throw new MergeSupersededError();
    const key = editKey(request);
    if (project.asked?.key !== key) project.generation++;
    const { fusionWeights: _weights, generation: _generation, ...rest } = request;
    project.asked = { key, generation: project.generation, request: rest };
    return project.asked;
  }

  /** A preview of a bracket that already fits the preview's size is its full merge. */
  private stageOf(project: Project, request: MergeRequest): MergeStage {
    if (request.stage !== 'preview') return 'full';
    const { width, height } = project.frames[0];
    return Math.max(width, height) > previewSide(request) ? 'preview' : 'full';
  }

  /** The frames box-downsampled to the preview's size (made at load for the default size; for another, on its first preview). */
  private async previewFrames(project: Project, request: MergeRequest): Promise<StageFrames> {
    const side = previewSide(request);
    if (project.preview?.side !== side) {
      const frames = await this.loadedFrames(project);
      if (project.preview?.side !== side) project.preview = previewStage(frames, side);
    }
    return project.preview!;
  }

  /** The frame every stage aligns to: suggested once, from the frames at full resolution. */
  private async referenceOf(project: Project): Promise<number> {
    if (project.reference === undefined) {
      const frames = await this.loadedFrames(project);
      if (project.reference === undefined) {
        project.proxies = alignmentProxies(frames);
        project.reference = suggestReference(frames, project.proxies);
      }
    }
    return project.reference;
  }

  /**
   * The full-resolution merge for this request: the one running in the same generation (the same
   * image), else a new one. A refinement (a request naming its generation) also takes one that an
   * export or a zoomed-in view has finished in that generation.
   */
  private fullMerge(project: Project, request: MergeRequest, asked: Asked): Promise<StageMerge> {
    if (request.generation !== undefined && project.fullMerge?.generation === asked.generation) return Promise.resolve(project.fullMerge);
    const running = project.running;
    if (running?.generation === asked.generation) return running.done;
    // A large bracket's last full merge of another image is not shown any more (the preview of the new one is): its
    // image, and its aligned frames where the alignment changed, must not sit beside this merge's planes.
    if (project.fullMerge && project.fullMerge.key !== asked.key && this.large(project.frames[0])) project.fullMerge = undefined;
    const done = this.inTurn(project, async () => {
      // Superseded while it waited for its turn: the newer merge runs instead.
      if (project.generation !== asked.generation) throw new MergeSupersededError();
      return this.stageMerge(project, request, asked, project.full);
    });
    project.running = { generation: asked.generation, done };
    const over = () => {
      if (project.running?.done === done) project.running = undefined;
    };
    done.then(over, over);
    return done;
  }

  /**
   * The full-resolution merge of the latest request, for what needs every pixel (export, a zoomed-in
   * region): kept, or joined while it runs, or run now. A preview's network weights do not fit the
   * full-size input, so a merge started here runs the network in main.
   */
  private currentFull(project: Project, what: string): Promise<StageMerge> {
    const asked = project.asked;
    if (!asked) throw new Error(`merge the bracket before ${what}`);
    if (project.fullMerge?.key === asked.key) return Promise.resolve(project.fullMerge);
    return this.fullMerge(project, { ...asked.request, stage: 'full' }, asked);
  }

  /** The merge the renderer shows: the newer of the last preview and the last full merge (the full one when both are of the same image). */
  private shown(project: Project): StageMerge | undefined {
    const { fullMerge: full, previewMerge: preview } = project;
    if (!full || !preview) return full ?? preview;
    return full.key === preview.key || full.order > preview.order ? full : preview;
  }

  /**
   * Gives other calls their turn, then goes on only if this merge's image is still the one asked
   * for. The merge's stage boundaries: a newer request waits at most one stage for the engine.
   */
  private async checkpoint(project: Project, asked: Asked): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (project.generation !== asked.generation) throw new MergeSupersededError();
  }

  /** Whether frames of this size are a large bracket's (letGoMinPixels): let go once moved, deghosted in place. */
  private large(frame: LinearImage): boolean {
    return frame.width * frame.height >= this.letGoMinPixels;
  }

  /** Runs a full-size merge (or reads the full stage's input) once those queued before it are done. */
  private inTurn<T>(project: Project, work: () => Promise<T>): Promise<T> {
    const run = project.fullTurn.then(work);
    project.fullTurn = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once no full-size merge has the stage's frames deghosted in place: read them, without awaiting, after it. */
  private async framesFree(project: Project): Promise<void> {
    while (project.framesBusy) await project.framesBusy;
  }

  /** The frames as loaded, every one with its samples (read again where let go), not deghosted in place at the moment. */
  private async loadedFrames(project: Project): Promise<LinearImage[]> {
    const frames = await project.originals.all();
    await this.framesFree(project);
    return frames;
  }

  /** Sets a finished merge as the stage's latest, all at once. */
  private finish(project: Project, merge: Omit<StageMerge, 'order'>): StageMerge {
    const done: StageMerge = { ...merge, order: ++project.finished };
    if (done.stage === 'full') project.fullMerge = done;
    else project.previewMerge = done;
    return done;
  }

  /** One stage's merge: align, deghost, plan, fuse, with a boundary after each, set on the project only once it is complete. */
  private async stageMerge(project: Project, request: MergeRequest, asked: Asked, stage: StageFrames): Promise<StageMerge> {
    if ((RECOVER_METHODS as readonly string[]).includes(request.method)) return this.recover(project, request, asked, stage);
    const method = request.method as Method;
    // Opening the bracket checked its plainest heavy merge; a full-size one that deghosts or adds a frame takes more.
    if (stage.stage === 'full') {
      const { width, height } = stage.frames[0];
      checkMergeMemoryHere(width, height, stage.frames.length + (request.synthesize ? 1 : 0), method, request.deghost !== undefined);
    }
    const input = await this.mergeInput(project, stage, request, asked);
    const { frames, exposureTimes, deghost } = input;
    // The fusion's weight maps are kept at the preview's size with the merge: the weights overlay shows what the blend used.
    const options: MergeOptions = { exposureTimes, allowPixelEstimate: true, weightMapSide: previewSide(request), ...(deghost ? { deghost } : {}), ...(input.planFrames ? { planFrames: input.planFrames } : {}) };
    // A large bracket's full-size merge deghosts the frames in place, keeping only the tiles it overwrites,
    // and puts them back when it ends, however it ends: the frames are not held twice at the merge's peak. Until then
    // nothing outside this merge reads them (framesFree); full-size merges run one at a time (inTurn).
    const undoable = stage.stage === 'full' && deghost !== undefined && this.large(frames[0]);
    if (!undoable) return this.fuseStage(project, request, asked, stage, input, method, prepareMerge(frames, method, options), options);
    let free = (): void => undefined;
    project.framesBusy = new Promise<void>((resolve) => (free = resolve));
    // The tiles wait in a temporary file, not beside the merge's planes (their size follows the mask's).
    const spill = (this.options.tileSpill ?? openTileSpill)();
    try {
      let prepared: PreparedMerge;
      try {
        prepared = prepareMerge(frames, method, { ...options, deghost: { ...deghost, inPlace: 'undoable', ...(spill ? { spill } : {}) } });
      } catch (error) {
        throw this.unrestored(project, error);
      }
      try {
        return await this.fuseStage(project, request, asked, stage, input, method, prepared, options);
      } finally {
        try {
          prepared.restore?.();
        } catch (error) {
          // eslint-disable-next-line no-unsafe-finally -- frames left deghosted outweigh how the merge ended
          throw this.unrestored(project, error);
        }
      }
    } finally {
      spill?.close();
      project.framesBusy = undefined;
      free();
    }
  }

  /**
   * `error` as the merge reports it. A DeghostUndoError (tiles not read back from the spill) leaves frames deghosted
   * in memory: everything made from them is dropped, and the frames as loaded among them are read again from their
   * files when next needed (OriginalFrames.forget), so the next merge starts from the files, not from damaged samples.
   */
  private unrestored(project: Project, error: unknown): unknown {
    if (!(error instanceof DeghostUndoError)) return error;
    const lost = error.frames;
    project.originals.frames.forEach((f, i) => {
      if (project.originals.isHeld(i) && lost.includes(f)) project.originals.forget(i);
    });
    const stage = project.full;
    stage.aligned = undefined;
    stage.ghosts = undefined;
    stage.synthetic = undefined;
    stage.alignedSamples = undefined;
    if (project.fullMerge?.merged.some((f) => lost.includes(f))) project.fullMerge = undefined;
    return new Error(`Deghosting could not put the frames back after the full-size merge: ${error.message}. The next merge reads them again from their files.`);
  }

  /** The fusion of a prepared stage merge (after deghosting and planning), set on the project once it is complete. */
  private async fuseStage(project: Project, request: MergeRequest, asked: Asked, stage: StageFrames, input: MergeInput, method: Method, prepared: PreparedMerge, options: MergeOptions): Promise<StageMerge> {
    const { frames, exposureTimes, synthetic, deghost } = input;
    await this.checkpoint(project, asked);
    // A preview runs the network at the preview's working side; either stage reuses the weights of an equal input.
    // Main's network runs off this thread where there are compute workers, so its WASM heap (which never shrinks)
    // is not beside the full-size planes: a full-size stage's on a worker of its own, a preview's on the kept
    // worker, warm from one preview to the next (3 x 24 MP learned refine: BENCHMARKS.md "Main's network off the engine thread").
    const outcome = await fuseFrames(prepared, method, options, { weights: request.fusionWeights, stage: stage.stage, cache: stage.network, isolateFrom: ISOLATE_MIN_PIXELS, keepWorker: true });
    await this.checkpoint(project, asked);
    const plan = outcome.plan;
    return this.finish(project, {
      stage: stage.stage,
      key: asked.key,
      generation: asked.generation,
      outcome,
      merged: frames,
      exposureTimes,
      deghost,
      ghostSource: input.ghostSource,
      facts: {
        method: outcome.method,
        mode: outcome.method === 'radiance' ? 'radiance' : 'display',
        key: outcome.key,
        // Relative, as the contract says: a fusion makes no exposure plan, so its frames' scene exposures are taken from the median's.
        ev: plan?.ev ?? relativeToMedian(stage.frames.map((f) => f.ev ?? Number.NaN)),
        evSource: plan?.source ?? stage.frames.map(() => 'metadata' as const),
        // What the decoders chose (one page of a multi-page TIFF), then what the exposure plan found.
        warnings: [...frameWarnings(project.frames), ...(plan?.warnings ?? [])],
        alignment: input.alignment,
        ...(synthetic ? { synthetic: { name: synthetic.frame.meta.sourceName!, source: synthetic.source } } : {}),
        ...(outcome.method === 'learned' ? { network: request.fusionWeights ? ('renderer' as const) : ('main' as const) } : {}),
      },
    });
  }

  /**
   * A bracket's frames at one stage as a merge sees them (aligned, plus a synthetic one), its
   * exposure times and its deghosting. What it computes is kept on the stage for the next merge;
   * the merge itself keeps its own references, since another may replace them at a boundary.
   */
  private async mergeInput(project: Project, stage: StageFrames, request: MergeRequest, asked: Asked): Promise<MergeInput> {
    // The app has no flags to ask for: a frame without exposure data gets a pixel estimate and a warning.
    const mode: AlignMode = request.align ?? 'similarity';
    const aligned = await this.alignedOf(project, stage, mode);
    await this.checkpoint(project, asked);
    let frames = aligned.frames;
    let exposureTimes = request.exposureTimes;
    let synthetic: { frame: LinearImage; source: number } | undefined;
    if (request.synthesize) {
      const made = (stage.synthetic ??= new Map());
      synthetic = made.get(request.synthesize);
      if (!synthetic) {
        synthetic = await synthesiseMissingFrame(frames, request.synthesize);
        made.set(request.synthesize, synthetic);
      }
      frames = [...frames, synthetic.frame];
      // Times the user typed cover the loaded frames; the synthetic one is its source's, moved.
      if (exposureTimes?.length === project.frames.length) exposureTimes = [...exposureTimes, exposureTimes[synthetic.source] * 2 ** (request.synthesize === 'dark' ? -SYNTHETIC_STOPS : SYNTHETIC_STOPS)];
    }
    let deghost: DeghostOptions | undefined;
    let ghostSource: MergeInput['ghostSource'];
    if (request.deghost) {
      // A preview takes the frame suggested at full resolution rather than guess again from its small frames.
      let ghosts = stage.aligned === aligned ? stage.ghosts : undefined;
      if (!ghosts) {
        const suggested = stage.stage === 'full' ? suggestReference(aligned.frames) : await this.referenceOf(project);
        // Detections are kept at the detector's working size (about 1 MB each at 24 MP), so a threshold or reference
        // used before costs nothing at any size; strokes are painted on a detection per merge, not kept here.
        ghosts = { detections: new GhostDetections(aligned.frames, 'judge'), suggested };
        // Kept only with the alignment they were made on (another may have replaced it while the reference was suggested).
        if (stage.aligned === aligned) ghosts = stage.ghosts ??= ghosts;
      }
      const reference = request.deghost.reference ?? ghosts.suggested;
      const found = await ghosts.detections.detect(reference, request.deghost.threshold ?? DEFAULT_THRESHOLD);
      ghostSource = { millis: ghosts.detections.lastMillis, detector: ghosts.detections.lastDetector };
      deghost = { mode: 'auto', reference, detection: applyStrokes(found, request.deghost.strokes ?? []) };
    }
    if (request.synthesize || request.deghost) await this.checkpoint(project, asked);
    let planFrames: LinearImage[] | undefined;
    if (stage.side !== undefined && request.method === 'radiance') {
      const side = stage.side;
      stage.samples ??= (await this.loadedFrames(project)).map((f) => pointSample(f, side));
      const samples = (stage.alignedSamples ??= stage.samples.map((f, i) => warpFrame(f, aligned.transforms[i]).image));
      planFrames = synthetic ? [...samples, synthetic.frame] : samples;
    }
    const [sx, sy] = stage.scale;
    const alignment = stage.stage === 'full' ? aligned.alignment : scaleAlignment(aligned.alignment, sx, sy);
    return { frames, exposureTimes, synthetic, deghost, alignment, ...(ghostSource ? { ghostSource } : {}), ...(planFrames ? { planFrames } : {}) };
  }

  /**
   * The stage's frames on the reference grid for `mode`: aligned once per mode, the synthetic frames, ghosts and
   * samples made from the last alignment dropped with it. At full size the frames are read again where they were
   * let go, after what the last alignment made is dropped, and those the new one moves are let go again
   * (OriginalFrames.settle): the merge's peak holds each frame once.
   */
  private alignedOf(project: Project, stage: StageFrames, mode: AlignMode): Promise<AlignedBracket> {
    if (stage.aligned?.mode === mode) return Promise.resolve(stage.aligned);
    if (stage.aligning?.mode === mode) return stage.aligning.done;
    const full = stage.stage === 'full';
    const aligning = { mode } as { mode: AlignMode; done: Promise<AlignedBracket> };
    aligning.done = (async () => {
      // A file changed since the bracket was opened fails here, before the alignment in memory is dropped.
      if (full) await project.originals.checkFiles();
      stage.aligned = undefined;
      stage.synthetic = undefined;
      stage.ghosts = undefined;
      stage.alignedSamples = undefined;
      const reference = mode === 'off' || stage.frames.length < 2 ? undefined : await this.referenceOf(project);
      const source = full ? await project.originals.all() : stage.frames;
      // The full stage aligns on the proxies its reference was suggested from (one read of each full frame for both).
      const proxies = full && reference !== undefined ? { proxies: project.proxies } : {};
      const aligned = alignBracket(source, mode, { reference, ...(full ? proxies : { proxySide: PREVIEW_PROXY_SIDE }) });
      // Which frames stay in memory follows the alignment kept, not one another mode has replaced while this one ran.
      if (full && stage.aligning === aligning) project.originals.settle(source, aligned.frames);
      return aligned;
    })();
    stage.aligning = aligning;
    const { done } = aligning;
    const over = (aligned?: AlignedBracket) => {
      if (stage.aligning !== aligning) return;
      stage.aligning = undefined;
      if (aligned) stage.aligned = aligned;
    };
    done.then(over, () => over());
    return done;
  }

  /** A one-frame project: the correction networks (or the physics), shown as the corrected frame or as the tone-mapped HDR estimate. */
  private async recover(project: Project, request: MergeRequest, asked: Asked, stage: StageFrames): Promise<StageMerge> {
    const method = request.method as RecoverMethod;
    const correctMethod: CorrectMethod = method === 'recover-classical' ? 'classical' : 'learned';
    const kept = (stage.corrections ??= new Map());
    let result = kept.get(correctMethod);
    if (!result) {
      result = await correctImage(stage.frames[0], { method: correctMethod });
      kept.set(correctMethod, result);
    }
    await this.checkpoint(project, asked);
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
    return this.finish(project, {
      stage: stage.stage,
      key: asked.key,
      generation: asked.generation,
      outcome,
      merged: [stage.frames[0]],
      facts: {
        method,
        correctionStops: result.stops,
        mode: hdrView ? 'radiance' : 'display',
        key: outcome.key,
        ev: [0],
        evSource: ['pixels'],
        warnings: [
          ...frameWarnings(project.frames),
          ...(result.clipped > 0.5 ? [`${Math.round(result.clipped * 100)}% of the frame is clipped: the recovered highlights there are an estimate`] : []),
        ],
        alignment: [],
      },
    });
  }

  /** A finished merge as the renderer gets it: the preview (downsampled as asked), the overlay, the full-resolution size. */
  private result(project: Project, request: MergeRequest, merge: StageMerge, generation: number, started: number): MergeResult {
    const preview = downsample(shownImage(merge.outcome), previewSide(request));
    const detection = merge.deghost?.detection;
    const ghost = detection && merge.ghostSource ? ghostOverlay(detection, preview.width, preview.height, merge.ghostSource.millis, merge.ghostSource.detector) : undefined;
    const size = merge.stage === 'full' ? merge.outcome : project.frames[0];
    const reference = referenceMeta(merge.merged, merge.outcome);
    const colorants = frameColorants(reference);
    return {
      projectId: request.projectId,
      ...merge.facts,
      stage: merge.stage,
      generation,
      width: size.width,
      height: size.height,
      preview: { width: preview.width, height: preview.height, data: preview.data },
      ...(colorants ? { colourSpace: { name: reference!.colourProfile!.name, from: reference!.colourProfile!.from, colorants: [...colorants] } } : {}),
      ...(ghost ? { ghost } : {}),
      millis: Math.round(performance.now() - started),
    };
  }

  /**
   * One frame as shot (aligned as the merge shown aligned it, so it lies on that merge pixel for
   * pixel), for the viewer; larger than a preview's frames, it comes from the full-resolution merge.
   */
  framePreview(request: FramePreviewRequest): Promise<Thumbnail> {
    return this.activity.track(async () => {
      const project = this.get(request.projectId);
      const { index } = request;
      if (!(Number.isInteger(index) && index >= 0 && index < project.frames.length)) throw new RangeError(`frame ${index} is not one of the ${project.frames.length} frames`);
      const shown = this.shown(project);
      const small = shown?.stage === 'preview' && request.maxSide > Math.max(shown.merged[0].width, shown.merged[0].height);
      const merge = small ? await this.currentFull(project, 'asking for its frames') : shown;
      const frame = merge ? merge.merged[index] : (await this.loadedFrames(project))[index];
      // A full merge's frames may be deghosted in place for a while: read them as they are otherwise.
      await this.framesFree(project);
      return asShot(frame, request.maxSide);
    });
  }

  /** A rectangle of the image shown, at up to full resolution, for the viewer zoomed in: from the full-resolution merge (run now if only its preview was). */
  previewRegion(request: PreviewRegionRequest): Promise<PreviewImage> {
    return this.activity.track(async () => {
      const project = this.get(request.projectId);
      const shown = this.shown(project);
      const { outcome } = shown?.stage === 'full' ? shown : await this.currentFull(project, 'asking for a region of it');
      const { x, y, width, height } = request;
      const region = downsample(cropImage(shownImage(outcome), { x, y, width, height }), request.maxSide);
      return { width: region.width, height: region.height, data: region.data };
    });
  }

  /** One frame's weights in the merge shown, at its preview's size: the maps the merge itself blended with, kept from it. */
  async weightMap(request: WeightMapRequest): Promise<WeightMap> {
    const merge = this.shown(this.get(request.projectId));
    if (!merge) throw new Error('merge the bracket before asking for its weight maps');
    const { outcome } = merge;
    const count = merge.merged.length;
    const { index } = request;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new RangeError(`frame ${index} is not one of the ${count} frames of the merge`);
    const maps = outcome.weightMaps;
    if (!maps) return { available: false, index, reason: noWeightsReason(outcome.method) };
    return weightMapOf(maps[index], index);
  }

  /** Writes the full-resolution merge of the latest request: after a preview only, that merge runs (or is waited for) first. */
  export(request: ExportRequest): Promise<ExportResult> {
    return this.activity.track(async () => {
      const project = this.get(request.projectId);
      if (!project.asked) throw new Error('merge the bracket before exporting');
      for (const path of [request.exrPath, request.jpegPath, request.tiffPath]) {
        if (path) await checkOutputPath(path, project.paths);
      }
      let merge: StageMerge;
      try {
        merge = await this.currentFull(project, 'exporting');
      } catch (error) {
        if (error instanceof MergeSupersededError) throw new Error('The merge changed while the export waited for it: export again');
        throw error;
      }
      const { outcome, merged: frames } = merge;
      // A newer full merge may have these frames deghosted in place for a while: the reads below wait for it.
      await this.framesFree(project);
      if (request.exrPath && !outcome.radiance) {
        const options = { exposureTimes: merge.exposureTimes, allowPixelEstimate: true };
        // A deghosted merge exports the same deghosted frames, planned as mergeBracket plans them.
        const ghost = merge.deghost ? deghostBracket(frames, merge.deghost) : null;
        if (ghost) addRadiance(outcome, ghost.frames, planWithoutGhosts(ghost.frames, options));
        else addRadiance(outcome, frames, planExposures(frames, options));
      }
      const reference = referenceMeta(frames, outcome);
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
    });
  }

  private get(id: string): Project {
    const project = this.projects.get(id);
    if (!project) throw new UnknownProjectError(id);
    return project;
  }
}

/** The request's choices that fit the project (method for its frame count, deghosting reference in range, no clashing options). */
function checkRequest(project: Project, request: MergeRequest): void {
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
}

/** A preview stage: the frames box-downsampled to `side` as the full merge's preview is (a pixel with a clipped part stays clipped). */
function previewStage(full: LinearImage[], side: number): StageFrames {
  const frames = full.map((f) => {
    const clip = f.meta.clipLevel;
    return clip !== undefined && Number.isFinite(clip) ? downsampleKeepingClips(f, side, clip) : downsample(f, side);
  });
  return { stage: 'preview', frames, side, scale: [full[0].width / frames[0].width, full[0].height / frames[0].height], network: new FusionWeightCache() };
}

/** What image a request asks for, whatever its stage, preview size or network weights: equal keys, the same image. */
function editKey(request: MergeRequest): string {
  return JSON.stringify([request.method, request.align ?? 'similarity', request.exposureTimes ?? null, request.synthesize ?? null, request.deghost ?? null]);
}

function previewSide(request: MergeRequest): number {
  return request.previewMaxSide ?? DEFAULT_PREVIEW_SIDE;
}

/** The image a merge's preview and regions show: the radiance map for the radiance views, else the fused (or corrected) image. */
function shownImage(outcome: MergeOutcome): LinearImage {
  return outcome.method === 'radiance' || outcome.method === 'recover-hdr' ? outcome.radiance! : outcome.fused!;
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

/**
 * The final mask and the detector's uncertainty at the preview's size (box-averaged as the preview is), read
 * row by row: neither is made into a full-size float plane (96 MB each at 24 MP).
 */
function ghostOverlay(detection: GhostDetection, width: number, height: number, detectMillis: number, detector: GhostOverlay['detector']): GhostOverlay {
  const { width: w, height: h } = detection;
  const side = Math.max(width, height);
  const fits = (small: LinearImage): Float32Array => {
    if (small.width !== width || small.height !== height) throw new Error(`ghost overlay came out ${small.width}x${small.height}, not the preview's ${width}x${height}`);
    return small.data;
  };
  const unsure = fits(downsampleRows(w, h, side, (y, row) => planeRow(detection.uncertainty, y, row)));
  const covered = fits(downsampleRows(w, h, side, (y, row) => planeRow(detection.mask, y, row)));
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

/** The frame downsampled (as the merge's preview is) and sRGB-encoded as shot: no tone mapping; a frame in Adobe RGB or P3 converted to sRGB. */
function asShot(frame: LinearImage, maxSide: number): Thumbnail {
  const thumb = toneMapGlobal(sceneReferred(downsample(frame, maxSide), frame.meta, 0), { exposure: 0, contrast: 0, mode: 'display' });
  return { width: thumb.width, height: thumb.height, data: thumb.data };
}

/** `small`: the frame or a downsampled copy, for the thumbnail; `frame` at full resolution, for its size. */
function frameInfo(path: string, small: LinearImage, frame: LinearImage): FrameInfo {
  const thumb = asShot(small, THUMBNAIL_SIDE);
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

/** Each exposure in stops from the median of the known ones (the lower middle of an even count); NaN stays NaN. */
export function relativeToMedian(evs: readonly number[]): number[] {
  const known = evs.filter(Number.isFinite).sort((a, b) => a - b);
  const reference = known.length ? known[(known.length - 1) >> 1] : 0;
  return evs.map((ev) => ev - reference);
}
