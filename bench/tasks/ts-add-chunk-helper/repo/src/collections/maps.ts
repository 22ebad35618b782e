/** A new Map with every value transformed. */
export function mapValues<K, V, W>(map: ReadonlyMap<K, V>, fn: (value: V, key: K) => W): Map<K, W> {
  const out = new Map<K, W>();
  for (const [key, value] of map) out.set(key, fn(value, key));
  return out;
}

/** Adds `amount` to the number stored under `key` (0 when absent). */
export function increment<K>(map: Map<K, number>, key: K, amount = 1): Map<K, number> {
  map.set(key, (map.get(key) ?? 0) + amount);
  return map;
}
