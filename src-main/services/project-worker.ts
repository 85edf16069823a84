/**
 * The engine thread of the app: a ProjectService living in a worker, so decoding and merging a
 * 24 MP bracket never blocks Electron's main thread (menus, IPC, window events stay live).
 * Messages: engine-messages.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ComputeWorkerEntry } from '../compute/compute-pool';
import { useComputeWorkersSharingFrames } from '../compute/shared-frames';
import { engineReply, type BatchEvent, type ProjectCall } from './engine-messages';
import { useNativeZlib } from './native-zlib';
import { ProjectService } from './project-service';
import { removeStaleSpills } from './tile-spill';

useNativeZlib();
// Where its own compute workers start from, when whoever started this thread says (the app, the test host). With
// them, frames are decoded into shared memory and the full-resolution merge stages run on two threads, as in the
// CLI; no answer leaves this thread in shared memory (engineReply).
const computeWorker = (workerData as { computeWorker?: ComputeWorkerEntry } | null)?.computeWorker;
if (computeWorker) useComputeWorkersSharingFrames(computeWorker);

if (parentPort) {
  const port = parentPort;
  // Undo tiles a crashed run left in the temporary folder (only where an open file keeps its name: Windows).
  void removeStaleSpills().then((names) => {
    if (names.length > 0) console.info(`[deghost] removed ${names.length} temporary undo file(s) left by an earlier run`);
  });
  const service = new ProjectService({ onBatchStatus: (status) => port.postMessage({ event: 'batch', status } satisfies BatchEvent) });
  port.on('message', async (call: ProjectCall) => {
    const { reply, transfer } = await engineReply(service, call);
    port.postMessage(reply, transfer);
  });
}
