/**
 * The e2e test host: serves the built renderer like app:// does (same files, same CSP and
 * COOP/COEP headers) and answers the contract's channels with main's real validators, handlers
 * and services over HTTP. Only the OS dialogs are scripted by the test.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHANNELS, type Channel, type SavedEdits } from '../../../src-preload/contract';
import { mimeType, resolveRendererPath, securityHeaders } from '../../../src-main/app-protocol';
import { createHandlers, type Dialogs } from '../../../src-main/ipc/handlers';
import { EditStore } from '../../../src-main/services/edit-store';
import { LaunchFiles } from '../../../src-main/services/launch-files';
import { LibraryService } from '../../../src-main/services/library-service';
import { readShotInfo } from '../../../src-main/services/exif';
import { PresetStore } from '../../../src-main/services/preset-store';
import { RecentStore } from '../../../src-main/services/recent-store';
import { checkSavedEdits, validators } from '../../../src-main/ipc/validate-args';
import { Worker } from 'node:worker_threads';
import { join, resolve as resolvePath } from 'node:path';
import { WorkerProjectService } from '../../../src-main/services/project-client';
import { decodeWire, encodeWire } from './wire';

/** Dialog answers queued by the test, consumed in order; an empty queue answers 'cancelled'. */
export class ScriptedDialogs implements Dialogs {
  readonly opens: string[][] = [];
  readonly folders: string[][] = [];
  /** Answers of the export destination's "Choose…" (null: cancelled). */
  readonly chosenFolders: (string | null)[] = [];
  /** The folder each "Choose…" started in. */
  readonly chooseStartedIn: (string | null)[] = [];
  async openImages(): Promise<string[]> {
    return this.opens.shift() ?? [];
  }
  async openFolder(): Promise<string[]> {
    return this.folders.shift() ?? [];
  }
  async chooseFolder(startIn: string | null): Promise<string | null> {
    this.chooseStartedIn.push(startIn);
    return this.chosenFolders.shift() ?? null;
  }
}

export interface TestHost {
  url: string;
  dialogs: ScriptedDialogs;
  /** Files "the OS" asks the app to open, as a file association or the command line would. */
  launch: LaunchFiles;
  /** Channels called, in order, for assertions. */
  calls: string[];
  /** The app data folder of this host (presets.json, recent.json), gone when it closes. */
  dataDir: string;
  /** The edits saved for these source files, as the next open would find them (null when none). */
  savedEdits(paths: readonly string[]): Promise<SavedEdits | null>;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface TestHostOptions {
  /** Delay before each file's headers are read on import, so a spec can watch progress and cancel. */
  scanReadDelayMs?: number;
}

export async function startTestHost(rendererRoot: string, options: TestHostOptions = {}): Promise<TestHost> {
  const dialogs = new ScriptedDialogs();
  // The engine runs in a worker thread, as in the app (there from the bundled project-worker.js).
  const project = new WorkerProjectService(
    () =>
      new Worker(resolvePath(import.meta.dirname, '../../../bin/ts-worker.mjs'), {
        workerData: {
          tsEntry: resolvePath(import.meta.dirname, '../../../src-main/services/project-worker.ts'),
          computeWorker: { path: resolvePath(import.meta.dirname, '../../../src-main/compute/compute-worker.ts'), tsx: true },
        },
      }),
  );
  // Saved edits live in a folder of this host's own, gone when it closes.
  const editsDir = await mkdtemp(join(tmpdir(), 'luxfuse-edits-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'luxfuse-data-'));
  const launch = new LaunchFiles();
  const edits = new EditStore(editsDir);
  const handlers = createHandlers({
    project,
    library: new LibraryService(
      options.scanReadDelayMs
        ? { readShot: async (file) => (await new Promise((r) => setTimeout(r, options.scanReadDelayMs)), readShotInfo(file)) }
        : {},
    ),
    dialogs,
    edits,
    launch,
    presets: new PresetStore(join(dataDir, 'presets.json')),
    recent: new RecentStore(join(dataDir, 'recent.json')),
  });
  const calls: string[] = [];
  let origin = '';
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (request.method === 'POST' && url.pathname.startsWith('/__ipc/')) {
      const channel = decodeURIComponent(url.pathname.slice('/__ipc/'.length)) as Channel;
      let payload: { ok: boolean; result?: unknown; error?: string };
      // The HTTP analogue of main's sender-frame check: only the page's own origin may call.
      if (request.headers.origin !== origin || !CHANNELS.includes(channel)) {
        response.writeHead(403).end();
        return;
      }
      calls.push(channel);
      try {
        const args = validators[channel](decodeWire(await body(request)) as unknown[]);
        const result = await (handlers[channel] as (...a: unknown[]) => Promise<unknown>)(...args);
        payload = { ok: true, result };
      } catch (error) {
        payload = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(encodeWire(payload));
      return;
    }
    const path = resolveRendererPath(rendererRoot, url.pathname);
    const file = path ? await readFile(path).catch(() => null) : null;
    if (!path || !file) {
      response.writeHead(404).end('Not found');
      return;
    }
    response.writeHead(200, securityHeaders(mimeType(path))).end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    dialogs,
    launch,
    calls,
    dataDir,
    savedEdits: (paths) => edits.load(paths, (e) => checkSavedEdits('test-host', e)),
    close: async () => {
      await project.close();
      await rm(editsDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
