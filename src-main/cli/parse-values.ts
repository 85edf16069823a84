/** Parsers for CLI option values; each throws UsageError with the option's name. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** '1/250' or '0.004' or '2' -> seconds. */
export function parseSeconds(text: string): number {
  const trimmed = text.trim();
  const fraction = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(trimmed);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : /^\d*\.?\d+(e-?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`--exposure-times: '${text}' is not a time in seconds (e.g. 1/250 or 0.5)`);
  return value;
}

export function parseSecondsList(text: string): number[] {
  return text.split(',').map(parseSeconds);
}

export function parseNumber(option: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${option}: '${text}' must be a number from ${min} to ${max}`);
  }
  return value;
}
