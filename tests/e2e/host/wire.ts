/**
 * JSON with typed arrays, for the test host's HTTP stand-in for IPC (Electron's structured clone
 * carries typed arrays natively; JSON does not). The browser half lives in bridge-shim.ts.
 */
const TYPED = {
  Float32Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
} as const;
type TypedName = keyof typeof TYPED;

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    for (const name of Object.keys(TYPED) as TypedName[]) {
      if (v instanceof TYPED[name]) {
        const view = v as ArrayBufferView;
        return { $typed: name, b64: Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64') };
      }
    }
    // Structured clone (Electron's IPC) keeps NaN and the infinities; JSON would turn them into null.
    if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && '$typed' in v && 'b64' in v) {
      const { $typed, b64 } = v as { $typed: TypedName; b64: string };
      const bytes = Buffer.from(b64, 'base64');
      const copy = new Uint8Array(bytes).buffer;
      const Ctor = TYPED[$typed];
      return new Ctor(copy, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    if (v && typeof v === 'object' && '$number' in v) return Number((v as { $number: string }).$number);
    return v;
  });
}
