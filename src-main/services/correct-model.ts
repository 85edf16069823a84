/**
 * The single-frame correction networks (DRHT, src-shared/correct/meta.ts) in Node: onnxruntime-web
 * WASM sessions for correct-hdr.onnx and correct-ldr.onnx.
 */
import { join, resolve } from 'node:path';
import { LuxfuseError } from '../../src-shared/errors';
import type { CorrectInput } from '../../src-shared/correct/correct-input';
import type { CorrectNets } from '../../src-shared/correct/correct';
import {
  CORRECT_HDR_INPUT,
  CORRECT_HDR_MODEL_FILE,
  CORRECT_HDR_OUTPUT,
  CORRECT_INPUT_CHANNELS,
  CORRECT_LDR_INPUT,
  CORRECT_LDR_MODEL_FILE,
  CORRECT_LDR_OUTPUT,
} from '../../src-shared/correct/meta';
import { cachedSession, runOne, type SessionSpec } from './onnx-session';

/** A model file is not where it should be. */
export class CorrectModelMissingError extends LuxfuseError {}
/** A model file exists but onnxruntime cannot load it (corrupt, truncated, wrong graph). */
export class CorrectModelLoadError extends LuxfuseError {}
/** A session ran but failed or returned the wrong shape. */
export class CorrectModelRunError extends LuxfuseError {}

/** The folder holding correct-hdr.onnx and correct-ldr.onnx: resources/models, or LUXFUSE_MODELS. */
export function defaultCorrectModelDir(): string {
  return process.env.LUXFUSE_MODELS ?? resolve(import.meta.dirname, '../../resources/models');
}

function spec(label: string, input: string, output: string): SessionSpec {
  return {
    label,
    inputs: [input],
    outputs: [output],
    fallback: 'use --method classical (in the app: "Recover, classical")',
    missing: (m, p) => new CorrectModelMissingError(m, p),
    broken: (m, p) => new CorrectModelLoadError(m, p),
  };
}
const HDR_SPEC = spec('the HDR estimation model', CORRECT_HDR_INPUT, CORRECT_HDR_OUTPUT);
const LDR_SPEC = spec('the LDR correction model', CORRECT_LDR_INPUT, CORRECT_LDR_OUTPUT);

/** The two networks run by onnxruntime-web WASM from a model folder. */
export function onnxCorrectNets(dir = defaultCorrectModelDir()): CorrectNets {
  const hdrPath = join(dir, CORRECT_HDR_MODEL_FILE);
  const ldrPath = join(dir, CORRECT_LDR_MODEL_FILE);
  return {
    async hdr(input: CorrectInput): Promise<Float32Array> {
      const session = await cachedSession(hdrPath, HDR_SPEC);
      const { paddedWidth: pw, paddedHeight: ph } = input;
      return runOne(
        session,
        { name: CORRECT_HDR_INPUT, data: input.data, dims: [1, CORRECT_INPUT_CHANNELS, ph, pw] },
        { name: CORRECT_HDR_OUTPUT, dims: [1, 3, ph, pw] },
        (m) => new CorrectModelRunError(m, hdrPath),
        HDR_SPEC.label,
      );
    },
    async ldr(logHdr: Float32Array, pw: number, ph: number): Promise<Float32Array> {
      const session = await cachedSession(ldrPath, LDR_SPEC);
      return runOne(
        session,
        { name: CORRECT_LDR_INPUT, data: logHdr, dims: [1, 3, ph, pw] },
        { name: CORRECT_LDR_OUTPUT, dims: [1, 3, ph, pw] },
        (m) => new CorrectModelRunError(m, ldrPath),
        LDR_SPEC.label,
      );
    },
  };
}
