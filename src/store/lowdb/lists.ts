/** Replaces the items whose key is among the changed ones, in place, and appends the new ones, in one pass. */
export function upsert<T>(items: T[], changed: readonly T[], key: (item: T) => string): void {
  if (changed.length === 0) return;
  const position = new Map(items.map((item, index) => [key(item), index]));
  for (const item of changed) {
    const index = position.get(key(item));
    if (index === undefined) position.set(key(item), items.push(item) - 1);
    else items[index] = item;
  }
}

/** The list kept under `key`, made empty the first time. */
export function listOf<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
