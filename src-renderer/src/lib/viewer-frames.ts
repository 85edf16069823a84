/** Which input frame the viewer shows: the before side's frame, and stepping through the frames. */

/** The frame the before view shows: the alignment's reference, else the middle one (the only one of a single photo). */
export function beforeFrameIndex(alignment: readonly { method: string }[], frameCount: number): number {
  const reference = alignment.findIndex((a) => a.method === 'reference');
  return reference >= 0 && reference < frameCount ? reference : Math.max(0, Math.floor((frameCount - 1) / 2));
}

/** Merge (null) -> first frame -> ... -> last frame -> merge, and back the other way. */
export function stepFrame(frame: number | null, direction: 1 | -1, count: number): number | null {
  const order: (number | null)[] = [null, ...Array.from({ length: count }, (_, i) => i)];
  const at = Math.max(0, order.indexOf(frame));
  return order[(at + direction + order.length) % order.length];
}
