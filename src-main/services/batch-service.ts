/**
 * Batches: groups of frames merged and written one after another, shared by `luxfuse batch` and the
 * app's batch export. One group at a time, so memory stays that of one group; a failed group is
 * reported and the rest go on; a cancel stops before the next group, and since every output is
 * written atomically only whole files remain; a group whose outputs all exist is skipped unless
 * asked to overwrite (a cancelled batch resumes where it stopped).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchGroupStatus, BatchRequest, BatchStatus, ProjectMethod } from '../../src-preload/contract';
import { expandTemplate, methodForGroup, outputNames, uniqueStems, type ExportFormat } from '../../src-shared/export/naming';
import { checkOutputPath } from './atomic-write';
import { readShotInfo } from './exif';

export interface BatchJob {
  files: string[];
  /** Every file this job writes. */
  outputs: string[];
}

export type BatchJobStatus = 'merged' | 'skipped' | 'failed';

export interface BatchJobResult {
  status: BatchJobStatus;
  outputs: string[];
  message?: string;
}

export interface RunInTurnOptions {
  overwrite: boolean;
  signal?: AbortSignal;
  /** A job is about to run (not called for skipped ones). */
  onStart?: (index: number) => void;
  /** A job ended (merged, skipped or failed), in order. */
  onDone?: (result: BatchJobResult, index: number) => void;
  /** Errors that end the whole batch instead of failing one job (the CLI's usage errors). */
  fatal?: (error: unknown) => boolean;
}

/** Runs the jobs in turn; `cancelled` when the signal stopped it before its last job. */
export async function runInTurn(
  jobs: readonly BatchJob[],
  work: (job: BatchJob, index: number) => Promise<string[]>,
  options: RunInTurnOptions,
): Promise<{ results: BatchJobResult[]; cancelled: boolean }> {
  const results: BatchJobResult[] = [];
  for (const [index, job] of jobs.entries()) {
    // Lets a cancel that is waiting in the event queue (a worker message, a signal) arrive first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) return { results, cancelled: true };
    let result: BatchJobResult;
    if (!options.overwrite && job.outputs.length > 0 && job.outputs.every((o) => existsSync(o))) {
      result = { status: 'skipped', outputs: job.outputs, message: 'its files are already there' };
    } else {
      options.onStart?.(index);
      try {
        result = { status: 'merged', outputs: await work(job, index) };
      } catch (error) {
        if (options.fatal?.(error)) throw error;
        result = { status: 'failed', outputs: [], message: error instanceof Error ? error.message : String(error) };
      }
    }
    results.push(result);
    options.onDone?.(result, index);
  }
  return { results, cancelled: false };
}

/** Each group's method, file stem and output paths, as the Export dialog shows them. */
export async function planBatch(request: Pick<BatchRequest, 'groups' | 'method' | 'options'>): Promise<(BatchJob & { stem: string; method: ProjectMethod })[]> {
  const { template, folder, formats } = request.options;
  const total = request.groups.length;
  const planned = await Promise.all(
    request.groups.map(async (g, i) => {
      const method: ProjectMethod = methodForGroup(request.method, g.paths.length);
      const captured = await readShotInfo(g.paths[0]).then((s) => s.localTime, () => undefined);
      return { files: g.paths, method, stem: expandTemplate(template, { firstFrame: g.paths[0], captured, method, n: i + 1, total }) };
    }),
  );
  const stems = uniqueStems(planned.map((p) => p.stem));
  return planned.map((p, i) => ({ ...p, stem: stems[i], outputs: outputNames(stems[i], formats as ExportFormat[]).map((n) => join(folder, n)) }));
}

/** What the app's batch needs of the engine for one group: open, merge, write, release. */
export interface GroupEngine {
  exportGroup(job: BatchJob, method: ProjectMethod, request: BatchRequest, stage: (state: 'merging' | 'writing') => void): Promise<string[]>;
}

export class BatchRunningError extends Error {
  constructor() {
    super('a batch export is already running: wait for it or cancel it');
    this.name = 'BatchRunningError';
  }
}

const STAGE_PROGRESS = { waiting: 0, loading: 0.1, merging: 0.4, writing: 0.75 } as const;

/** The app's batch export: one at a time, its status readable (and posted) while it runs. */
export class BatchExporter {
  private current: BatchStatus | null = null;
  private controller: AbortController | null = null;
  private nextId = 1;
  private started = 0;

  constructor(
    private readonly engine: GroupEngine,
    /** Called on every change of the status (the engine thread posts it to main). */
    private readonly onStatus?: (status: BatchStatus) => void,
  ) {}

  status(): BatchStatus | null {
    return this.current && structuredClone(this.current);
  }

  /** Starts the batch and returns once its plan is made; the groups run after. */
  async start(request: BatchRequest): Promise<{ id: number }> {
    if (this.current?.running) throw new BatchRunningError();
    const id = this.nextId++;
    this.controller = new AbortController();
    this.started = performance.now();
    this.current = { id, running: true, cancelled: false, groups: [], millis: 0 };
    let jobs: Awaited<ReturnType<typeof planBatch>>;
    try {
      jobs = await planBatch(request);
      // A folder that is missing or read-only fails the batch at once, not every group in turn.
      if (jobs.length > 0) await checkOutputPath(jobs[0].outputs[0], jobs[0].files);
    } catch (error) {
      this.current = { ...this.current, running: false };
      this.changed();
      throw error;
    }
    this.current.groups = jobs.map((j): BatchGroupStatus => ({ name: j.stem, state: 'waiting', progress: 0, outputs: [] }));
    this.changed();
    void this.run(request, jobs, this.controller.signal);
    return { id };
  }

  cancel(): void {
    if (!this.current?.running) return;
    this.current.cancelled = true;
    this.controller?.abort();
    this.changed();
  }

  private async run(request: BatchRequest, jobs: Awaited<ReturnType<typeof planBatch>>, signal: AbortSignal): Promise<void> {
    const status = this.current!;
    const set = (i: number, change: Partial<BatchGroupStatus>) => {
      status.groups[i] = { ...status.groups[i], ...change };
      this.changed();
    };
    try {
      await runInTurn(
        jobs,
        (job, i) =>
          this.engine.exportGroup(job, jobs[i].method, request, (state) => set(i, { state, progress: STAGE_PROGRESS[state] })),
        {
          overwrite: request.overwrite,
          signal,
          onStart: (i) => set(i, { state: 'loading', progress: STAGE_PROGRESS.loading }),
          onDone: (r, i) =>
            set(i, {
              state: r.status === 'merged' ? 'written' : r.status,
              progress: 1,
              outputs: r.outputs,
              ...(r.message ? { message: r.message } : {}),
            }),
        },
      );
    } finally {
      for (const [i, g] of status.groups.entries()) if (g.state === 'waiting') status.groups[i] = { ...g, state: 'cancelled', message: 'not exported: the batch was cancelled' };
      status.running = false;
      this.changed();
    }
  }

  private changed(): void {
    if (!this.current) return;
    this.current.millis = Math.round(performance.now() - this.started);
    this.onStatus?.(this.status()!);
  }
}
