/**
 * Where CR3 and RAF keep their EXIF, which exifr does not look for: CR3's CMT1/CMT2 boxes
 * (TIFF blocks inside an ISO base media file) and RAF's embedded JPEG. Only box headers and
 * the blocks themselves are read.
 */
import type { ByteSource } from './byte-source';

const CANON_UUID = '85c0b687820f11e08111f4ce462b6a48';
/** A CMT block is a few KB; anything larger is not one. */
const MAX_BLOCK = 1 << 20;

type Visit = (type: string, body: number, end: number) => Promise<boolean>;

/** Walks the boxes in [start, end); `visit` returns true to stop. */
async function walkBoxes(src: ByteSource, start: number, end: number, visit: Visit): Promise<void> {
  for (let pos = start, n = 0; pos + 8 <= end && n < 256; n++) {
    const h = await src.read(pos, 16);
    if (h.length < 8) return;
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = v.getUint32(0);
    let body = pos + 8;
    if (size === 1 && h.length >= 16) {
      size = Number(v.getBigUint64(8));
      body = pos + 16;
    } else if (size === 0) {
      size = end - pos; // to the end of the parent
    }
    if (size < body - pos) return;
    const type = String.fromCharCode(h[4], h[5], h[6], h[7]);
    if (await visit(type, body, Math.min(end, pos + size))) return;
    pos += size;
  }
}

/** CR3: moov > uuid(Canon) > CMT1 (IFD0 as a TIFF) and CMT2 (the Exif IFD as a TIFF's IFD0). */
export async function findCr3Blocks(src: ByteSource): Promise<{ cmt1?: Uint8Array; cmt2?: Uint8Array }> {
  const found: { cmt1?: Uint8Array; cmt2?: Uint8Array } = {};
  await walkBoxes(src, 0, src.size, async (type, body, end) => {
    if (type !== 'moov') return false;
    await walkBoxes(src, body, end, async (childType, childBody, childEnd) => {
      if (childType !== 'uuid') return false;
      const id = Array.from(await src.read(childBody, 16), (b) => b.toString(16).padStart(2, '0')).join('');
      if (id !== CANON_UUID) return false;
      await walkBoxes(src, childBody + 16, childEnd, async (metaType, metaBody, metaEnd) => {
        if (metaType === 'CMT1') found.cmt1 = await src.read(metaBody, Math.min(metaEnd - metaBody, MAX_BLOCK));
        if (metaType === 'CMT2') found.cmt2 = await src.read(metaBody, Math.min(metaEnd - metaBody, MAX_BLOCK));
        return found.cmt1 !== undefined && found.cmt2 !== undefined;
      });
      return true;
    });
    return true;
  });
  return found;
}

/** RAF: a big-endian header whose bytes 84..91 give the offset and length of a JPEG carrying the EXIF. */
export async function findRafJpeg(src: ByteSource): Promise<{ offset: number; bytes: Uint8Array } | undefined> {
  const h = await src.read(84, 8);
  if (h.length < 8) return undefined;
  const v = new DataView(h.buffer, h.byteOffset, 8);
  const offset = v.getUint32(0);
  const length = v.getUint32(4);
  // The EXIF sits at the start of the JPEG; its preview pixels are not needed.
  const bytes = await src.read(offset, Math.min(length, 256 * 1024));
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  return { offset, bytes };
}
