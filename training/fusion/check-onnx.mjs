// Runs golden cases through an ONNX file with onnxruntime-web (WASM, Node) and compares with the
// PyTorch outputs stored beside them. Usage: node check-onnx.mjs model.onnx golden.json
// Exit 0 when every output agrees within the file's tolerance; prints the max absolute difference.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const [modelPath, fixturePath] = process.argv.slice(2);
const fx = JSON.parse(readFileSync(fixturePath, 'utf8'));
const floats = (b64) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(modelPath)), { executionProviders: ['wasm'] });
let worst = 0;
for (const c of fx.cases) {
  const out = await session.run({ exposures: new ort.Tensor('float32', floats(c.input), c.shape) });
  const got = out.weights.data;
  const want = floats(c.output);
  if (got.length !== want.length) throw new Error(`case ${c.shape}: ${got.length} outputs, want ${want.length}`);
  let max = 0;
  for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  console.log(`K=${c.shape[1]} ${c.shape[3]}x${c.shape[2]}: max |onnx - torch| = ${max.toExponential(2)}`);
  worst = Math.max(worst, max);
}
process.exit(worst <= fx.tolerance ? 0 : 1);
