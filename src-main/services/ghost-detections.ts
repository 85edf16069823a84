/**
 * The app's ghost detections of one aligned bracket, kept so that a brush stroke costs no detection
 * at all and a threshold change only the part that depends on it. The choice of detector is made in
 * one place, `find`.
 */
import { gatherGhostEvidence, thresholdGhosts, type GhostDetection, type GhostEvidence } from '../../src-shared/ghost/detect';
import type { LinearImage } from '../../src-shared/image/linear-image';

/** Detections kept per bracket (reference x threshold): an undo or a slider moved back finds its own. */
const KEPT = 6;
/** ...as long as they fit in this many bytes together (a 24 MP 3-frame detection is about 360 MB); the latest is always kept. */
const KEPT_BYTES = 512 * 1024 * 1024;

/** Memory a detection holds: per frame a mask and a float uncertainty, and their union. */
function bytesOf(d: GhostDetection): number {
  let n = d.mask.byteLength + d.uncertainty.byteLength;
  for (const m of d.frameMasks) n += m?.byteLength ?? 0;
  for (const u of d.frameUncertainty) n += u?.byteLength ?? 0;
  return n;
}

export class GhostDetections {
  /** The classical detector's threshold-free pass for the last reference asked for (tens of MB: one at a time). */
  private evidence: GhostEvidence | null = null;
  private readonly detections = new Map<string, GhostDetection>();
  /** How long the last `detect` took, ms (0 when it was kept). */
  lastMillis = 0;

  constructor(private readonly frames: LinearImage[]) {}

  async detect(reference: number, threshold: number): Promise<GhostDetection> {
    const key = `${reference}:${threshold}`;
    const kept = this.detections.get(key);
    const started = performance.now();
    const detection = kept ?? (await this.find(reference, threshold));
    this.lastMillis = kept ? 0 : performance.now() - started;
    // Most recently used last; the oldest goes first.
    this.detections.delete(key);
    this.detections.set(key, detection);
    let bytes = 0;
    for (const d of this.detections.values()) bytes += bytesOf(d);
    while (this.detections.size > 1 && (this.detections.size > KEPT || bytes > KEPT_BYTES)) {
      const oldest = this.detections.keys().next().value as string;
      bytes -= bytesOf(this.detections.get(oldest)!);
      this.detections.delete(oldest);
    }
    return detection;
  }

  /**
   * The detector. Classical (src-shared/ghost/detect.ts): its first pass does not depend on the
   * threshold and is kept per reference, so a threshold change redoes only the second.
   */
  private async find(reference: number, threshold: number): Promise<GhostDetection> {
    if (this.evidence?.reference !== reference) this.evidence = gatherGhostEvidence(this.frames, { reference });
    return thresholdGhosts(this.evidence, threshold);
  }
}
