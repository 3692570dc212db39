/**
 * The limits a policies API puts on a request body, checked before anything is written: a body over
 * them is refused by the server (policylens serve answers 413 or 400), and an apply that found out
 * half-way had already written the changes before it. The limits are policylens serve's
 * (registry/http.ts: MAX_BODY_BYTES, MAX_BODY_DEPTH); Execlave's own are not documented (see
 * docs/decisions/sync.md).
 */
import { displayPath, type PathSegment } from '../parse/ast';
import type { Problem } from '../problem';
import { bodyOfBundle } from './body';
import { utf8 } from './hash';

/** `1048576` as `1,048,576`, the same in every locale. */
const n = (x: number) => x.toLocaleString('en-US');

/** At most this many bytes of UTF-8 per request body. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** At most this many levels of objects and arrays, the body itself being the first. */
export const MAX_REQUEST_DEPTH = 64;

/** Why a server refuses a body, and the top-level field it concerns (the largest, or the one too deep). */
export interface RequestRefusal {
  reason: string;
  path: PathSegment[];
}

/**
 * The first object or array that sits MAX_REQUEST_DEPTH levels below the body (the server counts
 * the body as level 0 and refuses a container at level 64), without recursion: a deep value must
 * not overflow the stack of the check that is there to catch it.
 */
function tooDeep(body: unknown): PathSegment[] | undefined {
  const stack: [unknown, PathSegment[]][] = [[body, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (path.length >= MAX_REQUEST_DEPTH) return path;
    const entries: [PathSegment, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], [...path, entries[i]![0]]]);
  }
  return undefined;
}

/**
 * Whether `body` is surely within both limits, from one walk that allocates nothing per value and
 * stops as soon as it cannot tell: an upper bound of its `JSON.stringify` in UTF-8 (a UTF-16 unit
 * of a string is at most six bytes, `\uXXXX`; a number at most 24 characters), and its depth. Lint
 * and the editor check every bundle at every analysis: serialising each one (and building a path
 * for each value) cost `lint` of 5,000 bundles about 15 % more CPU for a limit no usual bundle nears.
 */
function surelyWithin(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  let bytes = 0;
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') bytes += 2 + 6 * v.length;
    else if (!v || typeof v !== 'object') bytes += 24;
    else {
      if (depth >= MAX_REQUEST_DEPTH - 1) return false;
      bytes += 2;
      if (Array.isArray(v))
        for (const x of v) {
          bytes += 1;
          values.push(x);
          depths.push(depth + 1);
        }
      else
        for (const k in v) {
          bytes += 4 + 6 * k.length;
          values.push((v as Record<string, unknown>)[k]);
          depths.push(depth + 1);
        }
    }
    if (bytes > MAX_REQUEST_BYTES) return false;
  }
  return true;
}

/**
 * Whether a server refuses `body` as the live client sends it (`JSON.stringify`, UTF-8), and why.
 * The reason reads after "refused: " in a plan and after the bundle in lint.
 */
export function requestRefusal(body: Record<string, unknown>): RequestRefusal | undefined {
  if (surelyWithin(body)) return undefined;
  const deep = tooDeep(body);
  if (deep)
    return {
      reason: `its request body nests more than ${MAX_REQUEST_DEPTH} levels deep (at ${displayPath(deep.slice(0, 3))}${deep.length > 3 ? '…' : ''}), more than the policies API accepts`,
      path: deep.slice(0, 1),
    };
  const bytes = utf8(JSON.stringify(body)).length;
  if (bytes <= MAX_REQUEST_BYTES) return undefined;
  // The largest field is where the bytes are, and where lint places the finding.
  let largest: [string, number] = ['', -1];
  for (const [key, v] of Object.entries(body)) {
    const size = utf8(JSON.stringify(v) ?? '').length;
    if (size > largest[1]) largest = [key, size];
  }
  return {
    reason: `its request body would be ${n(bytes)} bytes (${largest[0]}: ${n(largest[1])}), over the ${n(MAX_REQUEST_BYTES)} (1 MiB) the policies API accepts`,
    path: [largest[0]],
  };
}

/**
 * Lint's form of the check, from the file alone: the body sync would send for the bundle, with every
 * prerequisite as long as a UUID (the ids of Execlave and policylens serve). The plan measures the
 * real ids; for those servers the two agree.
 */
export function requestLimitProblem(value: unknown): Problem | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const refusal = requestRefusal(bodyOfBundle(value as Record<string, unknown>));
  if (!refusal) return undefined;
  return {
    code: 'sync/request-limit',
    severity: 'error',
    message: `${refusal.path.length ? `${displayPath(refusal.path)}: ` : ''}the live org would refuse this bundle: ${refusal.reason}`,
    path: refusal.path,
    target: 'key',
  };
}
