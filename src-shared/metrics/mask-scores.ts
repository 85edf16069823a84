/** Agreement of a binary mask with the true one: precision, recall and F1 over the pixels marked. */
export function maskScores(mask: Uint8Array, truth: Uint8Array): { precision: number; recall: number; f1: number } {
  if (mask.length !== truth.length) throw new RangeError(`mask has ${mask.length} pixels, truth ${truth.length}`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] && truth[p]) tp++;
    else if (mask[p]) fp++;
    else if (truth[p]) fn++;
  }
  // Nothing marked where nothing is true is perfect agreement, not 0/0.
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}
