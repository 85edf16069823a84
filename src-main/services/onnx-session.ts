/**
 * onnxruntime-web (WASM) sessions for the learned models in Node (CLI, main process, engine
 * thread): one cached session per model file, checked for the tensor names its runtime expects.
 * A failed load is not cached, so a fixed file loads next time.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import type { LuxfuseError } from '../../src-shared/errors';

export interface SessionSpec {
  /** What the model is, for messages ("the learned fusion model"). */
  label: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** What to tell the user to do instead when the file is missing ("use --method mertens"). */
  fallback: string;
  missing: (message: string, path: string) => Error;
  broken: (message: string, path: string) => Error;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

async function createSession(path: string, spec: SessionSpec): Promise<ort.InferenceSession> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw spec.missing(`${spec.label} is missing (${path}): ${(error as Error).message}; ${spec.fallback}`, path);
  }
  // Threads need worker files next to the WASM; one thread is enough at working resolution.
  ort.env.wasm.numThreads = 1;
  try {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const names = (want: readonly string[], have: readonly string[]): boolean => want.every((n) => have.includes(n));
    if (!names(spec.inputs, session.inputNames) || !names(spec.outputs, session.outputNames)) {
      throw new Error(`expected inputs ${spec.inputs.join(', ')} and outputs ${spec.outputs.join(', ')}, got ${session.inputNames} -> ${session.outputNames}`);
    }
    return session;
  } catch (error) {
    throw spec.broken(`cannot load ${spec.label} ${path}: ${String((error as Error).message ?? error).split('\n')[0]}`, path);
  }
}

export function cachedSession(path: string, spec: SessionSpec): Promise<ort.InferenceSession> {
  let s = sessions.get(path);
  if (!s) {
    s = createSession(path, spec);
    sessions.set(path, s);
    s.catch(() => sessions.delete(path));
  }
  return s;
}

/** Releases every cached session (tests, or before replacing a model file). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const s of all) await s.then((x) => x.release()).catch(() => undefined);
}

/**
 * Runs a session on one float32 tensor and returns the named output's data, checked to be
 * float32 of the expected shape; a failure becomes `failed(message)`.
 */
export async function runOne(
  session: ort.InferenceSession,
  input: { name: string; data: Float32Array; dims: number[] },
  output: { name: string; dims: number[] },
  failed: (message: string) => Error,
  label: string,
): Promise<Float32Array> {
  const tensor = new ort.Tensor('float32', input.data, input.dims);
  let out: ort.Tensor;
  try {
    out = (await session.run({ [input.name]: tensor }))[output.name];
  } catch (error) {
    throw failed(`${label} failed: ${String((error as Error).message ?? error).split('\n')[0]}`);
  } finally {
    tensor.dispose();
  }
  if (out.type !== 'float32' || out.dims.join('x') !== output.dims.join('x')) {
    const got = `${out.type} ${out.dims.join('x')}`;
    out.dispose();
    throw failed(`${label} returned ${got}, expected float32 ${output.dims.join('x')}`);
  }
  const data = out.data as Float32Array;
  out.dispose();
  return data;
}

/** Model error classes by name, as they cross a worker thread (an Error keeps its name, not its class). */
export type ModelErrorClasses = Record<string, new (message: string, file?: string) => LuxfuseError>;

/** A worker's answer, with the model's own errors rebuilt as their classes, naming `file`; any other error as it came. */
export async function withModelErrors<T>(job: Promise<T>, classes: ModelErrorClasses, file: string): Promise<T> {
  try {
    return await job;
  } catch (error) {
    const known = error instanceof Error ? classes[error.name] : undefined;
    throw known ? new known((error as Error).message, file) : error;
  }
}
