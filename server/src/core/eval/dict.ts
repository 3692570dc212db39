/**
 * An empty object for keys that come from the files or the events (policy names, action names):
 * without a prototype, `__proto__`, `constructor` or `toString` is a key like any other, read back
 * as set, never Object.prototype's (which a plain `{}` answers for a key it does not hold, and
 * which `o['__proto__'] = x` replaces instead of storing `x`).
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
