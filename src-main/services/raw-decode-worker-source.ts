/**
 * The body of the RAW decode worker (node:worker_threads, eval'd), as plain JavaScript so it runs the same
 * under tsx, Vitest and the bundled main process. It loads libraw-wasm's Emscripten module directly
 * (not the package's browser Worker wrapper), one LibRaw object per request, deleted afterwards.
 *
 * workerData: { moduleUrl, wasmPath, initialPages, maximumPages }.
 * Request: { op: 'decode' | 'metadata' | 'thumbnail', bytes, settings, maxPixels }.
 * Reply: { ok: true, meta, image?, thumb?, heapBytes } or { ok: false, kind: 'too-big' | 'libraw', stage,
 * message, exception?, printed, heapBytes }. After a failed request the host discards the worker: an
 * exception that escaped LibRaw may leave its memory and the WASM stack in an unknown state.
 */
export const RAW_WORKER_SOURCE = String.raw`'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');

// The memory is ours, not the module's, so C++ exception objects in it can be read.
const memory = new WebAssembly.Memory({ initial: workerData.initialPages, maximum: workerData.maximumPages, shared: true });
let printed = [];
let loading = null;
function load() {
  loading = loading || import(workerData.moduleUrl).then((m) => m.default({
    wasmBinary: readFileSync(workerData.wasmPath),
    wasmMemory: memory,
    print: () => {},
    // LibRaw's data-error callback prints here ("Unexpected end of file", "data corrupted at ...").
    printErr: (line) => { if (printed.length < 10) printed.push(String(line).replace(/^unknown file: /, '')); },
  }));
  return loading;
}

function cString(u8, at) {
  if (!(at > 0) || at >= u8.length) return '';
  let s = '';
  for (let i = at; i < u8.length && u8[i] !== 0 && s.length < 500; i++) s += String.fromCharCode(u8[i]);
  return s;
}

// A C++ exception reaches JS as { excPtr }. Emscripten's __cxa_exception header sits 24 bytes before the
// object, its type_info pointer 4 bytes into the header; a type_info holds its mangled name at +4.
function describe(error) {
  const ptr = error && error.excPtr;
  if (typeof ptr !== 'number') return { message: String((error && error.message) || error), native: false };
  const u8 = new Uint8Array(memory.buffer);
  const u32 = new Uint32Array(memory.buffer);
  if (ptr < 24 || ptr + 8 > u8.length) return { message: 'unknown C++ exception', native: true };
  const type = u32[(ptr - 20) >> 2];
  const typeName = type > 0 && type + 8 <= u8.length ? cString(u8, u32[(type + 4) >> 2]) : '';
  if (/LibRaw_exceptions/.test(typeName)) return { exception: u32[ptr >> 2], message: '', native: true };
  if (/bad_alloc/.test(typeName)) return { message: 'out of memory', native: true };
  const what = cString(u8, u32[(ptr + 4) >> 2]); // std::runtime_error: vtable, then the message
  return { message: /^[\x20-\x7e]+$/.test(what) ? what : typeName || 'unknown C++ exception', native: true };
}

function pickMeta(m) {
  const c = m.color_data || {};
  return {
    width: m.width, height: m.height, raw_width: m.raw_width, raw_height: m.raw_height,
    camera_make: m.camera_make, camera_model: m.camera_model, iso_speed: m.iso_speed, shutter: m.shutter,
    aperture: m.aperture, focal_len: m.focal_len, timestamp: m.timestamp,
    thumb_width: m.thumb_width, thumb_height: m.thumb_height, thumb_format: m.thumb_format,
    color_data: { black: c.black, maximum: c.maximum, cam_mul: c.cam_mul, pre_mul: c.pre_mul },
  };
}

parentPort.on('message', async (req) => {
  let raw = null;
  let stage = 'load';
  printed = [];
  const reply = (out, transfer) => parentPort.postMessage({ ...out, heapBytes: memory.buffer.byteLength }, transfer || []);
  try {
    const mod = await load();
    stage = 'open';
    raw = new mod.LibRaw();
    raw.open(req.bytes, req.settings);
    stage = 'metadata';
    const meta = pickMeta(raw.metadata(true));
    if (req.op === 'metadata') return reply({ ok: true, meta });
    if (req.op === 'thumbnail') {
      stage = 'thumbnail';
      const thumb = raw.thumbnailData() || null;
      return reply({ ok: true, meta, thumb }, thumb ? [thumb.data.buffer] : []);
    }
    const pixels = Math.max(meta.raw_width * meta.raw_height, meta.width * meta.height);
    if (!(pixels <= req.maxPixels)) return reply({ ok: false, kind: 'too-big', stage, message: String(pixels), printed });
    stage = 'decode';
    const image = raw.imageData();
    if (printed.length) return reply({ ok: false, kind: 'libraw', stage, message: '', printed });
    return reply({ ok: true, meta, image }, [image.data.buffer]);
  } catch (error) {
    const d = describe(error);
    return reply({ ok: false, kind: 'libraw', stage, message: d.message, exception: d.exception, printed });
  } finally {
    try { if (raw) raw.delete(); } catch (_) { /* the module is discarded after a failure anyway */ }
  }
});
`;
