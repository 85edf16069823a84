/** Length-limited, complete Huffman code lengths and canonical (bit-reversed) deflate codes from symbol counts. */

/**
 * Code lengths (0 = unused) for symbol frequencies, none longer than `limit`. The code is always complete
 * (Kraft sum exactly 1), which zlib's inflate requires; a lone used symbol gets a partner of length 1.
 */
export function huffmanLengths(freq: Uint32Array, limit: number): Uint8Array {
  const n = freq.length;
  const lengths = new Uint8Array(n);
  const used: number[] = [];
  for (let s = 0; s < n; s++) if (freq[s] > 0) used.push(s);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]] = 1;
    lengths[used[0] === 0 ? 1 : 0] = 1;
    return lengths;
  }
  used.sort((a, b) => freq[a] - freq[b] || a - b);
  // Two-queue Huffman construction: leaves 0..m-1 in weight order, internal nodes m..2m-2 appended in order.
  const m = used.length;
  const weight = new Float64Array(2 * m - 1);
  const parent = new Int32Array(2 * m - 1);
  for (let k = 0; k < m; k++) weight[k] = freq[used[k]];
  let leaf = 0;
  let inner = m;
  for (let next = m; next < 2 * m - 1; next++) {
    for (let pick = 0; pick < 2; pick++) {
      const takeLeaf = leaf < m && (inner >= next || weight[leaf] <= weight[inner]);
      const child = takeLeaf ? leaf++ : inner++;
      parent[child] = next;
      weight[next] += weight[child];
    }
  }
  const depth = new Int32Array(2 * m - 1);
  for (let k = 2 * m - 3; k >= 0; k--) depth[k] = depth[parent[k]] + 1;
  for (let k = 0; k < m; k++) lengths[used[k]] = Math.min(depth[k], limit);

  // Clamping can over-subscribe the code: lengthen the rarest short codes until the Kraft sum fits ...
  const full = 2 ** limit;
  let kraft = 0;
  for (const s of used) kraft += 2 ** (limit - lengths[s]);
  while (kraft > full) {
    let best = -1;
    for (const s of used) {
      if (lengths[s] < limit && (best < 0 || lengths[s] > lengths[best] || (lengths[s] === lengths[best] && freq[s] < freq[best]))) best = s;
    }
    lengths[best]++;
    kraft -= 2 ** (limit - lengths[best]);
  }
  // ... then shorten the commonest longest codes while there is slack, so the code is complete again.
  while (kraft < full) {
    let best = -1;
    for (const s of used) {
      if (lengths[s] > 1 && 2 ** (limit - lengths[s]) <= full - kraft &&
        (best < 0 || lengths[s] > lengths[best] || (lengths[s] === lengths[best] && freq[s] > freq[best]))) best = s;
    }
    kraft += 2 ** (limit - lengths[best]);
    lengths[best]--;
  }
  return lengths;
}

/** Canonical Huffman codes for the lengths, bit-reversed because deflate sends codes most significant bit first. */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Uint16Array(16);
  for (const l of lengths) if (l) count[l]++;
  const next = new Uint16Array(16);
  for (let l = 1, code = 0; l < 16; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (!l) continue;
    let c = next[l]++;
    let r = 0;
    for (let b = 0; b < l; b++, c >>= 1) r = (r << 1) | (c & 1);
    codes[s] = r;
  }
  return codes;
}
