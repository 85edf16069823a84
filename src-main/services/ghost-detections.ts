/**
 * The app's ghost detections of one aligned bracket, kept so that a brush stroke costs no detection
 * at all and a threshold change only the part that depends on it. The choice of detector is made in
 * one place, `find`.
 */
import { gatherGhostEvidence, thresholdGhosts, type GhostDetection, type GhostEvidence } from '../../src-shared/ghost/detect';
import type { LinearImage } from '../../src-shared/image/linear-image';

/** Detections kept per bracket (reference x threshold): an undo or a slider moved back finds its own. */
const KEPT = 6;

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
    while (this.detections.size > KEPT) this.detections.delete(this.detections.keys().next().value as string);
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
