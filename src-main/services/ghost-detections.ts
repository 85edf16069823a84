/**
 * The app's ghost detections of one aligned bracket, kept so that a brush stroke costs no detection
 * at all and a threshold change only the part that depends on it. The choice of detector is made in
 * one place, `find`.
 */
import { DEFAULT_THRESHOLD, gatherGhostEvidence, thresholdGhosts, type GhostDetection, type GhostEvidence } from '../../src-shared/ghost/detect';
import { judgeDetection, judgeInput, type JudgeInput } from '../../src-shared/ghost/judge-input';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { planeBytes } from '../../src-shared/image/scaled-plane';
import { JudgeModelMissingError, runJudgeKept } from './judge-model';

/** Which detector finds the ghosts: the judge network (default) or the classical one (its baseline). */
export type GhostDetector = 'judge' | 'classical';
export const GHOST_DETECTORS: readonly GhostDetector[] = ['judge', 'classical'];

/**
 * The judge's probability threshold for the app's threshold T (in the classical detector's noise
 * units, default DEFAULT_THRESHOLD): odds (T / T0)^4, so T0 gives 0.5 and moving T scales the
 * judge's odds exactly as it scales the classical detector's (the overlay's drag preview, ghost-heat.ts
 * rethreshold, assumes that), and every T maps inside (0, 1).
 */
export function judgeThreshold(t: number): number {
  const odds = (t / DEFAULT_THRESHOLD) ** 4;
  return odds / (1 + odds);
}

/** Detections kept per bracket (reference x threshold): an undo or a slider moved back finds its own. */
const KEPT = 6;
/** ...as long as they fit in this many bytes together (a 24 MP 3-frame detection holds about 1 MB, at the detector's working size; 72 MB once strokes are painted on its masks at full size); the latest is always kept. */
const KEPT_BYTES = 512 * 1024 * 1024;

/** Memory a detection holds: per frame a mask and an uncertainty, and their union (at the detector's working size until strokes are painted). */
function bytesOf(d: GhostDetection): number {
  let n = planeBytes(d.mask) + planeBytes(d.uncertainty);
  for (const m of d.frameMasks) n += m ? planeBytes(m) : 0;
  for (const u of d.frameUncertainty) n += u ? planeBytes(u) : 0;
  return n;
}

export class GhostDetections {
  /** The classical detector's threshold-free pass for the last reference asked for (tens of MB: one at a time). */
  private evidence: GhostEvidence | null = null;
  private readonly detections = new Map<string, GhostDetection>();
  /** The judge network's probabilities for the last reference asked for (thresholds are applied to them). */
  private judged: { reference: number; input: JudgeInput; probability: Float32Array } | null = null;
  /** How long the last `detect` took, ms (0 when it was kept). */
  lastMillis = 0;
  /** The detector that made the last detection (the judge falls back to classical only when its model file is missing). */
  lastDetector: GhostDetector;

  /** Bytes the kept detections may hold together (the latest is always kept). */
  private readonly keptBytes: number;

  constructor(
    private readonly frames: LinearImage[],
    private readonly detector: GhostDetector = 'judge',
    options: { keptBytes?: number } = {},
  ) {
    this.lastDetector = detector;
    this.keptBytes = options.keptBytes ?? KEPT_BYTES;
  }

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
    while (this.detections.size > 1 && (this.detections.size > KEPT || bytes > this.keptBytes)) {
      const oldest = this.detections.keys().next().value as string;
      bytes -= bytesOf(this.detections.get(oldest)!);
      this.detections.delete(oldest);
    }
    return detection;
  }

  /**
   * The detector. The judge network (judge-model.ts): its probabilities do not depend on the
   * threshold and are kept per reference. Classical (src-shared/ghost/detect.ts): its first pass is
   * kept per reference. Either way a threshold change redoes only the cheap part.
   */
  private async find(reference: number, threshold: number): Promise<GhostDetection> {
    if (this.detector === 'judge') {
      try {
        if (this.judged?.reference !== reference) {
          const input = judgeInput(this.frames, { reference });
          this.judged = { reference, input, probability: await runJudgeKept(input) };
        }
        this.lastDetector = 'judge';
        return judgeDetection(this.judged.input, this.judged.probability, judgeThreshold(threshold));
      } catch (error) {
        // A build without the model still deghosts, with the baseline; any other failure is an error.
        if (!(error instanceof JudgeModelMissingError)) throw error;
      }
    }
    this.lastDetector = 'classical';
    if (this.evidence?.reference !== reference) this.evidence = gatherGhostEvidence(this.frames, { reference });
    return thresholdGhosts(this.evidence, threshold);
  }
}
