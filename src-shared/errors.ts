/** Errors the engine throws on bad input: each names the file it is about when there is one. */

export class LuxfuseError extends Error {
  /** The input file the error is about, when there is one. */
  readonly file?: string;
  constructor(message: string, file?: string) {
    super(message);
    this.name = new.target.name;
    this.file = file;
  }
}

/** The bytes are not an image we can read: unknown format, corrupt or truncated. */
export class DecodeError extends LuxfuseError {}

/** The format is known but this variant is not supported (e.g. a TIFF compression). */
export class UnsupportedFormatError extends LuxfuseError {}

/** Frames of one bracket do not fit together (sizes, channel counts). */
export class BracketMismatchError extends LuxfuseError {}

/** A merge needs exposure information that is missing. */
export class MissingExposureError extends LuxfuseError {}
