/** Items grouped by key, groups and their items in first-seen order; items whose key is undefined are left out. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) appendTo(groups, k, [item]);
  }
  return groups;
}

/**
 * Appends the values to the key's list, starting the list at the key's first value. In place: building lists by
 * copying them (`map.set(k, [...(map.get(k) ?? []), v])`) costs the square of their length.
 */
export function appendTo<K, V>(lists: Map<K, V[]>, key: K, values: readonly V[]): void {
  const list = lists.get(key);
  if (!list) lists.set(key, [...values]);
  else for (const value of values) list.push(value);
}

/**
 * The largest of the numbers (-Infinity for none, as Math.max()). Not `Math.max(...values)`: a spread passes
 * each value as an argument, and a long capture's lists (its timeline's ticks, its RTCP report blocks) pass
 * V8's argument limit and throw "Maximum call stack size exceeded".
 */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}

/** The smallest of the numbers (Infinity for none, as Math.min()); see maxOf for why not a spread. */
export function minOf(values: Iterable<number>): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min;
}
