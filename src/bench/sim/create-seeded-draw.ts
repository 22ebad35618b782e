/**
 * Counter-based randomness for the simulator: a uniform number in [0, 1) from a seed, the index
 * of the model call and a label naming the decision. A decision at call k uses the same number
 * whatever happened before it, so two scaffold settings of the same run share their dice until
 * the runs diverge (common random numbers: ablation rows differ by the layer, not by luck), and
 * a run is reproducible independently of timing and concurrency.
 */
export function createSeededDraw(seed: string): (call: number, label: string) => number {
  return (call, label) => cyrb53(`${seed}\u0000${call}\u0000${label}`) / 2 ** 53;
}

/** cyrb53 (bryc, public domain): a fast 53-bit string hash with good avalanche. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
