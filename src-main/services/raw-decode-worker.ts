/**
 * Runs LibRaw (libraw-wasm) in a node:worker_threads worker, one request at a time, so a decode never
 * blocks the main thread: a request that runs past its time limit, crashes the module or fails is ended
 * by terminating the worker, which also returns all of its WASM memory. An idle worker is ended too.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LibRawImage, LibRawMetadata, LibRawSettings, LibRawThumbnail } from '../../src-shared/codecs/raw-libraw';
import { RAW_WORKER_SOURCE } from './raw-decode-worker-source';

export type RawOp = 'decode' | 'metadata' | 'thumbnail';

export type RawReply =
  | { ok: true; meta: LibRawMetadata; image?: LibRawImage; thumb?: LibRawThumbnail | null; heapBytes: number }
  | {
      ok: false;
      kind: 'too-big' | 'libraw';
      stage: string;
      message: string;
      /** A LibRaw_exceptions value, when that is what escaped. */
      exception?: number;
      /** Lines LibRaw's data-error callback printed. */
      printed: string[];
      heapBytes: number;
    };

/** The worker died, timed out or could not start: no answer from LibRaw at all. */
export class RawWorkerError extends Error {}

export interface RawWorkerOptions {
  /** A request still running after this long is ended. */
  timeoutMs: number;
  /** An idle worker is ended after this long, returning its WASM memory. */
  idleMs: number;
}

/** libraw-wasm 1.6.0 is linked with INITIAL_MEMORY=256MB and a 2 GB maximum, in 64 KiB pages. */
const INITIAL_PAGES = 4096;
const MAXIMUM_PAGES = 32768;

function library(): { moduleUrl: string; wasmPath: string } {
  let file = createRequire(import.meta.url).resolve('libraw-wasm/dist/libraw.js');
  // Packaged app: prefer the asarUnpack'ed copy, so neither the worker's import() nor the WASM read depends on asar support.
  const unpacked = file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  if (unpacked !== file && existsSync(unpacked)) file = unpacked;
  return { moduleUrl: pathToFileURL(file).href, wasmPath: join(dirname(file), 'libraw.wasm') };
}

export class RawDecodeWorker {
  options: RawWorkerOptions = { timeoutMs: 120_000, idleMs: 15_000 };
  /** WASM memory size after the last request (it grows, never shrinks, while the worker lives). */
  heapBytes: number | null = null;
  starts = 0;
  requests = 0;
  private worker: Worker | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private idle: ReturnType<typeof setTimeout> | undefined;

  /** Queues a request behind the ones before it. */
  run(op: RawOp, bytes: Uint8Array, settings: LibRawSettings, maxPixels: number): Promise<RawReply> {
    const job = this.tail.then(() => this.send(op, bytes, settings, maxPixels));
    this.tail = job.catch(() => undefined);
    return job;
  }

  /** Ends the worker now (pending requests fail). */
  stop(): void {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }

  private spawn(): Worker {
    let worker: Worker;
    try {
      worker = new Worker(RAW_WORKER_SOURCE, {
        eval: true,
        workerData: { ...library(), initialPages: INITIAL_PAGES, maximumPages: MAXIMUM_PAGES },
      });
    } catch (error) {
      throw new RawWorkerError(`could not start the decoder: ${(error as Error).message}`);
    }
    worker.on('error', () => {}); // reported through the request that was running; never an uncaught event
    this.starts++;
    return worker;
  }

  private send(op: RawOp, bytes: Uint8Array, settings: LibRawSettings, maxPixels: number): Promise<RawReply> {
    clearTimeout(this.idle);
    const worker = (this.worker ??= this.spawn());
    worker.ref();
    this.requests++;
    return new Promise<RawReply>((resolve, reject) => {
      const finish = (fail: string | null, reply?: RawReply): void => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (reply) this.heapBytes = reply.heapBytes;
        // After LibRaw failed, an exception may have unwound past the WASM stack pointer: start afresh.
        if (fail !== null || (reply && !reply.ok && reply.kind === 'libraw')) {
          if (this.worker === worker) this.stop();
        } else {
          worker.unref();
          this.idle = setTimeout(() => this.worker === worker && this.stop(), this.options.idleMs);
          this.idle.unref();
        }
        if (fail !== null) reject(new RawWorkerError(fail));
        else resolve(reply!);
      };
      const onMessage = (reply: RawReply): void => finish(null, reply);
      const onError = (error: Error): void => finish(`the decoder crashed: ${error.message}`);
      const onExit = (code: number): void => finish(`the decoder stopped unexpectedly (exit code ${code})`);
      const timer = setTimeout(
        () => finish(`LibRaw did not finish within ${Math.round(this.options.timeoutMs / 100) / 10} s`),
        this.options.timeoutMs,
      );
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      // A view of part of a larger buffer (Node's pooled small files) would clone the whole buffer.
      const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      worker.postMessage({ op, bytes: exact, settings, maxPixels });
    });
  }
}
