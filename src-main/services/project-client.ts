/**
 * ProjectService's interface, answered by a ProjectService in a worker thread (project-worker.ts).
 * If the worker dies (out of memory, a crash in a decoder), pending calls fail with a clear message,
 * and the next call starts a fresh worker; the user reopens the bracket.
 */
import type { Worker } from 'node:worker_threads';
import type { BatchGroupStatus, BatchRequest, BatchStatus, ExportRequest, ExportResult, FramePreviewRequest, FusionInputResult, LoadResult, MergeRequest, MergeResult, ModelName, PreviewImage, PreviewRegionRequest, Thumbnail, WeightMap, WeightMapRequest } from '../../src-preload/contract';
import { keepNativeJpegLoaded } from './native-jpeg';
import type { ProjectCall, ProjectMethod, ProjectReply } from './engine-messages';

/** What the IPC handlers need of a project service, in-process or in a worker. */
export interface ProjectApi {
  load(paths: string[]): Promise<LoadResult>;
  merge(request: MergeRequest): Promise<MergeResult>;
  fusionInput(request: MergeRequest): Promise<FusionInputResult>;
  warmModel(model: ModelName): Promise<null>;
  export(request: ExportRequest): Promise<ExportResult>;
  framePreview(request: FramePreviewRequest): Promise<Thumbnail>;
  previewRegion(request: PreviewRegionRequest): Promise<PreviewImage>;
  weightMap(request: WeightMapRequest): Promise<WeightMap>;
  batchStart(request: BatchRequest): Promise<{ id: number }>;
  batchStatus(): Promise<BatchStatus | null>;
  batchCancel(): Promise<null>;
}

export class EngineStoppedError extends Error {
  constructor(why: string) {
    super(`the merge engine stopped (${why}); open the bracket again`);
    this.name = 'EngineStoppedError';
  }
}

export interface WorkerProjectOptions {
  /**
   * Longest a load (reading and decoding the files) may take before the engine thread is stopped
   * and the load fails; default LOAD_TIME_LIMIT_MS. RAW files have their own limit in the RAW
   * worker; this one also covers TIFF, JPEG, PNG and EXR, decoded in the engine thread.
   */
  loadTimeLimitMs?: number;
}

/** Ten minutes: a 100 MP bracket of 16-bit TIFFs decodes in well under that on a 2-core machine. */
export const LOAD_TIME_LIMIT_MS = 10 * 60_000;

export class WorkerProjectService implements ProjectApi {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** The batch's status as the engine last posted it: answered here, since the engine is busy while a batch runs. */
  private batch: BatchStatus | null = null;

  constructor(
    private readonly createWorker: () => Worker,
    private readonly options: WorkerProjectOptions = {},
  ) {}

  /** Loads in the engine thread; one that outlasts the time limit stops the thread (the next call starts a new one). */
  load(paths: string[]): Promise<LoadResult> {
    const limit = this.options.loadTimeLimitMs ?? LOAD_TIME_LIMIT_MS;
    const worker = this.ensureWorker();
    const timer = setTimeout(() => {
      this.stopped(worker, `reading the files took longer than ${limit >= 1000 ? `${Math.round(limit / 1000)} s` : `${limit} ms`}: a damaged or unusually large file?`);
      void worker.terminate();
    }, limit);
    return (this.call('load', [paths]) as Promise<LoadResult>).finally(() => clearTimeout(timer));
  }

  merge(request: MergeRequest): Promise<MergeResult> {
    return this.call('merge', [request]) as Promise<MergeResult>;
  }

  fusionInput(request: MergeRequest): Promise<FusionInputResult> {
    return this.call('fusionInput', [request]) as Promise<FusionInputResult>;
  }

  warmModel(model: ModelName): Promise<null> {
    return this.call('warmModel', [model]) as Promise<null>;
  }

  export(request: ExportRequest): Promise<ExportResult> {
    return this.call('export', [request]) as Promise<ExportResult>;
  }

  framePreview(request: FramePreviewRequest): Promise<Thumbnail> {
    return this.call('framePreview', [request]) as Promise<Thumbnail>;
  }

  batchStart(request: BatchRequest): Promise<{ id: number }> {
    return this.call('batchStart', [request]) as Promise<{ id: number }>;
  }

  async batchStatus(): Promise<BatchStatus | null> {
    return this.batch && structuredClone(this.batch);
  }

  batchCancel(): Promise<null> {
    return this.call('batchCancel', []) as Promise<null>;
  }

  previewRegion(request: PreviewRegionRequest): Promise<PreviewImage> {
    return this.call('previewRegion', [request]) as Promise<PreviewImage>;
  }

  weightMap(request: WeightMapRequest): Promise<WeightMap> {
    return this.call('weightMap', [request]) as Promise<WeightMap>;
  }

  /** Stops the worker; pending calls fail. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.failAll('the app is closing');
  }

  private call(method: ProjectMethod, args: unknown[]): Promise<unknown> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args } satisfies ProjectCall);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The engine thread decodes JPEG frames through sharp; loaded on this thread too, its libraries outlive an
    // engine thread stopped here (a load over its time limit) and the one started after it.
    keepNativeJpegLoaded();
    const worker = this.createWorker();
    worker.on('message', (reply: ProjectReply) => {
      if ('event' in reply) {
        this.batch = reply.status;
        return;
      }
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.result);
      else {
        const error = new Error(reply.error.message);
        error.name = reply.error.name;
        p.reject(error);
      }
    });
    worker.on('error', (error) => this.stopped(worker, error.message));
    worker.on('exit', (code) => this.stopped(worker, `exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private stopped(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.failAll(why);
  }

  private failAll(why: string): void {
    const error = new EngineStoppedError(why);
    // A batch the engine was running ends with it: its unfinished groups say why.
    if (this.batch?.running) {
      const unfinished = (s: string) => !['written', 'skipped', 'failed', 'cancelled'].includes(s);
      this.batch = {
        ...this.batch,
        running: false,
        groups: this.batch.groups.map((g): BatchGroupStatus => (unfinished(g.state) ? { ...g, state: 'failed', message: error.message } : g)),
      };
    }
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
