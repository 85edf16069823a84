/**
 * The network's outputs for its most recent inputs, matched by the exact input (its dimensions and
 * every sample, not a fingerprint): a merge whose network input equals one of them (the same image
 * asked for again, a method switched back, an edit that changes nothing before the network) reuses
 * its weights instead of running the network. Least recently used entries go first.
 */
import type { FusionInput } from './fusion-input';
import type { WeightPredictor } from './learned-fuse';

interface Entry {
  input: FusionInput;
  weights: Float32Array;
}

function sameInput(a: FusionInput, b: FusionInput): boolean {
  if (a.exposures !== b.exposures || a.width !== b.width || a.height !== b.height || a.paddedWidth !== b.paddedWidth || a.paddedHeight !== b.paddedHeight) return false;
  const x = a.data;
  const y = b.data;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export class FusionWeightCache {
  private entries: Entry[] = [];
  /** Lookups answered from the cache, and those that were not. */
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 3) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** The weights kept for this input, or undefined; neither is to be written to. */
  get(input: FusionInput): Float32Array | undefined {
    const i = this.entries.findIndex((e) => sameInput(e.input, input));
    if (i < 0) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    const [entry] = this.entries.splice(i, 1);
    this.entries.unshift(entry);
    return entry.weights;
  }

  /** Keeps the weights computed from this input (both held by reference: the caller does not change them afterwards). */
  set(input: FusionInput, weights: Float32Array): void {
    if (weights.length !== input.data.length) throw new RangeError(`weights hold ${weights.length} samples for an input of ${input.data.length}`);
    this.entries = [{ input, weights }, ...this.entries.filter((e) => !sameInput(e.input, input))].slice(0, this.capacity);
  }

  /** A predictor that answers from the cache where it can and keeps what `network` computes. */
  predictor(network: WeightPredictor): WeightPredictor {
    return async (input) => {
      const kept = this.get(input);
      if (kept) return kept;
      const weights = await network(input);
      this.set(input, weights);
      return weights;
    };
  }
}
