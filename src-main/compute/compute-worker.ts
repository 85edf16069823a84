/**
 * A compute worker: runs one COMPUTE_TASKS stage per message for the thread that owns the pipeline.
 * Messages: { id, task, args } in; { id, ok: true, result } or { id, ok: false, error } out, the
 * result's large buffers moved, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { useNativeZlib } from '../services/native-zlib';
import { COMPUTE_TASKS, type ComputeTask } from './compute-tasks';
import { transferables, type ComputeCall, type ComputeReply } from './compute-messages';

useNativeZlib();

if (!parentPort) throw new Error('compute-worker.ts runs as a worker thread');
const port = parentPort;

port.on('message', async (call: ComputeCall) => {
  let reply: ComputeReply;
  try {
    const run = COMPUTE_TASKS[call.task as ComputeTask] as (...args: unknown[]) => unknown;
    if (!run) throw new Error(`no compute task ${call.task}`);
    reply = { id: call.id, ok: true, result: await run(...call.args) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { id: call.id, ok: false, error: { name: e.name, constructor: e.constructor.name, message: e.message } };
  }
  port.postMessage(reply, reply.ok ? transferables(reply.result) : []);
});
