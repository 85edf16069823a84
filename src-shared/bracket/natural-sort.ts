/** Natural file-name order: digit runs compare as numbers, letters without case ("IMG_9" < "img_10"). */

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Lower-cases ASCII letters only, so the order does not depend on the locale. */
const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * Comparator for Array.prototype.sort. Names that differ only in case or zero padding fall
 * back to code-point order, so the order is total and the same on every machine.
 */
export function compareNatural(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Compare digit runs by value without Number overflow: skip zeros, then length, then digits.
      while (a.charCodeAt(i) === 48) i++;
      while (b.charCodeAt(j) === 48) j++;
      let ei = i;
      let ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - i !== ej - j) return ei - i - (ej - j);
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d !== 0) return d;
      }
      continue;
    }
    if (isDigit(ca) !== isDigit(cb)) return isDigit(ca) ? -1 : 1;
    const d = fold(ca) - fold(cb);
    if (d !== 0) return d;
    i++;
    j++;
  }
  const restA = a.length - i;
  const restB = b.length - j;
  if (restA !== restB) return restA - restB;
  return a < b ? -1 : 1;
}

/** A sorted copy in natural order. */
export function sortNatural(names: readonly string[]): string[] {
  return [...names].sort(compareNatural);
}
