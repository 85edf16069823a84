/**
 * The app's working state in main: loaded brackets and their merges, kept in memory by id so the
 * renderer only ever receives previews. The CLI runs the same pipeline without this cache.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ExportRequest, ExportResult, FrameInfo, LoadResult, MergeRequest, MergeResult } from '../../src-preload/contract';
import { downsample } from '../../src-shared/image/resample';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { alignBracket, type AlignedBracket, type AlignMode } from '../../src-shared/pipeline/align-bracket';
import { addRadiance, type MergeOutcome } from '../../src-shared/pipeline/merge-bracket';
import { mergeFrames } from './merge-service';
import { planExposures } from '../../src-shared/pipeline/plan-exposures';
import { toneMapGlobal } from '../../src-shared/tonemap/global';
import { checkOutputPath } from './atomic-write';
import { exportOutcome } from './export-service';
import { readBracket } from './frames';

interface Project {
  paths: string[];
  frames: LinearImage[];
  outcome: MergeOutcome | null;
  exposureTimes?: number[];
  /** Frames on the reference grid for the last alignment mode asked for (alignment runs once per mode). */
  aligned?: AlignedBracket;
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

export class ProjectService {
  private readonly projects = new Map<string, Project>();

  async load(paths: string[]): Promise<LoadResult> {
    const frames = await readBracket(paths);
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
    // The app has no flags to ask for: a frame without exposure data gets a pixel estimate and a warning.
    const mode: AlignMode = request.align ?? 'similarity';
    if (!project.aligned || project.aligned.mode !== mode) project.aligned = alignBracket(project.frames, mode);
    const frames = project.aligned.frames;
    const outcome = await mergeFrames(frames, request.method, {
      exposureTimes: request.exposureTimes,
      allowPixelEstimate: true,
    });
    project.outcome = outcome;
    project.exposureTimes = request.exposureTimes;
    const image = outcome.method === 'radiance' ? outcome.radiance! : outcome.fused!;
    const preview = downsample(image, request.previewMaxSide ?? DEFAULT_PREVIEW_SIDE);
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
      alignment: project.aligned.alignment,
      millis: Math.round(performance.now() - started),
    };
  }

  async export(request: ExportRequest): Promise<ExportResult> {
    const project = this.get(request.projectId);
    const outcome = project.outcome;
    if (!outcome) throw new Error('merge the bracket before exporting');
    for (const path of [request.exrPath, request.jpegPath]) {
      if (path) await checkOutputPath(path, project.paths);
    }
    const frames = project.aligned?.frames ?? project.frames;
    if (request.exrPath && !outcome.radiance) {
      addRadiance(outcome, frames, planExposures(frames, { exposureTimes: project.exposureTimes, allowPixelEstimate: true }));
    }
    const reference = frames[outcome.plan?.referenceIndex ?? Math.floor(frames.length / 2)].meta;
    const written = await exportOutcome(
      outcome,
      request.tone,
      { exrPath: request.exrPath, jpegPath: request.jpegPath, quality: request.quality, output: request.output },
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

function frameInfo(path: string, frame: LinearImage): FrameInfo {
  const small = downsample(frame, THUMBNAIL_SIDE);
  const thumb = toneMapGlobal(small, { exposure: 0, contrast: 0, mode: 'display' });
  return {
    path,
    name: basename(path),
    width: frame.width,
    height: frame.height,
    ev: frame.ev,
    exposureTime: frame.meta.exposureTime,
    fNumber: frame.meta.fNumber,
    iso: frame.meta.iso,
    thumbnail: { width: thumb.width, height: thumb.height, data: thumb.data },
  };
}
