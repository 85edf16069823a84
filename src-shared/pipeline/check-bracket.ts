/** Checks that frames can be merged together: at least two, all the same size. */
import { BracketMismatchError } from '../errors';
import type { LinearImage } from '../image/linear-image';

export function checkBracket(frames: readonly LinearImage[]): void {
  if (frames.length < 2) {
    throw new BracketMismatchError(`a bracket needs at least 2 frames, got ${frames.length}`);
  }
  const first = frames[0];
  for (const frame of frames) {
    if (frame.width !== first.width || frame.height !== first.height) {
      const name = frame.meta.sourceName ?? 'a frame';
      throw new BracketMismatchError(
        `${name} is ${frame.width}x${frame.height} but ${first.meta.sourceName ?? 'the first frame'} is ${first.width}x${first.height}: all frames of a bracket must have the same size`,
        frame.meta.sourceName,
      );
    }
  }
}
