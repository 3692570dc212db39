/**
 * Runs `body` while a built-in method counts its own calls through `count` (given the receiver,
 * the result and the arguments): a cost that grows with n² shows as n² calls or n² characters,
 * without timing anything. The method is put back whatever `body` does.
 */
export function counting<T extends object, R>(
  proto: T,
  method: keyof T & string,
  count: (self: unknown, result: unknown, args: unknown[]) => void,
  body: () => R,
): R {
  const original = proto[method] as (...args: unknown[]) => unknown;
  (proto as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    count(this, result, args);
    return result;
  };
  try {
    return body();
  } finally {
    (proto as Record<string, unknown>)[method] = original;
  }
}
