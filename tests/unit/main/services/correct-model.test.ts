/**
 * The single-frame correction networks through onnxruntime-web's WASM backend in Node: golden
 * agreement with the PyTorch outputs stored by training/correct/export.py, and named errors for a
 * missing or corrupt model file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrectModelLoadError, CorrectModelMissingError, defaultCorrectModelDir, onnxCorrectNets } from '../../../../src-main/services/correct-model';
import type { CorrectInput } from '../../../../src-shared/correct/correct-input';
import { CORRECT_HDR_MODEL_FILE, CORRECT_LDR_MODEL_FILE } from '../../../../src-shared/correct/meta';
import { createLinearImage } from '../../../../src-shared/image/linear-image';

interface GoldenCase {
  model: string;
  exposure_stops: number;
  input_shape: [number, number, number, number];
  input: string;
  output: string;
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../fixtures/models/correct-golden.json'), 'utf8')) as { cases: GoldenCase[] };
/** PyTorch vs onnxruntime-web WASM was 4.8e-7 at export; this leaves room, not slack for a wrong graph. */
const TOLERANCE = 1e-4;

const floats = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-correct-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('correction networks (onnxruntime-web WASM)', () => {
  const nets = onnxCorrectNets();

  it('has golden cases for both networks, over- and under-exposed', () => {
    expect(golden.cases.map((c) => [c.model, Math.sign(c.exposure_stops)])).toEqual(
      expect.arrayContaining([
        [CORRECT_HDR_MODEL_FILE, 1],
        [CORRECT_LDR_MODEL_FILE, 1],
        [CORRECT_HDR_MODEL_FILE, -1],
        [CORRECT_LDR_MODEL_FILE, -1],
      ]),
    );
  });

  for (const c of golden.cases) {
    it(`${c.model} at ${c.exposure_stops > 0 ? '+' : ''}${c.exposure_stops} stops matches PyTorch within ${TOLERANCE}`, async () => {
      const [, , h, w] = c.input_shape;
      const input = floats(c.input);
      const expected = floats(c.output);
      let out: Float32Array;
      if (c.model === CORRECT_HDR_MODEL_FILE) {
        const inp: CorrectInput = { data: input, width: w, height: h, paddedWidth: w, paddedHeight: h, work: createLinearImage(w, h, 3), preGain: 1 };
        out = await nets.hdr(inp);
      } else {
        out = await nets.ldr(input, w, h);
      }
      expect(out.length).toBe(expected.length);
      expect(maxDiff(out, expected)).toBeLessThan(TOLERANCE);
      // Not a constant: the networks respond to their input.
      expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.05);
    });
  }

  it('names a missing and a corrupt model file', async () => {
    const inp: CorrectInput = { data: new Float32Array(5 * 16 * 16), width: 16, height: 16, paddedWidth: 16, paddedHeight: 16, work: createLinearImage(16, 16, 3), preGain: 1 };
    await expect(onnxCorrectNets(join(dir, 'nowhere')).hdr(inp)).rejects.toBeInstanceOf(CorrectModelMissingError);
    writeFileSync(join(dir, CORRECT_HDR_MODEL_FILE), readFileSync(join(defaultCorrectModelDir(), CORRECT_HDR_MODEL_FILE)).subarray(0, 700));
    await expect(onnxCorrectNets(dir).hdr(inp)).rejects.toBeInstanceOf(CorrectModelLoadError);
  });
});
