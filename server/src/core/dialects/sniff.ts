/**
 * A quick recogniser for the editor's start: which dialect a YAML or JSON text is, by the rule the
 * language server applies to the parsed text (`recognize` with every dialect's own `detect`), but
 * read from the text without a parser, so that the extension can switch an open policy to our
 * language id as it activates instead of waiting for the server to start, parse it and ask
 * (docs/decisions/extension.md, "Activation time"). It answers only what it can read for sure: a
 * YAML text in the plain block style of policy files (top-level `key:` lines, no anchors, tags,
 * multi-line flow collections or further documents) or a JSON text `JSON.parse` accepts; anything
 * else is `undefined`, and the server decides as before. It never names a dialect the server's
 * classification would not (test/core/sniff.test.ts checks it on every text of the corpus). This
 * file imports only the recognisers and must stay that small: the extension evaluates it.
 */
import { recognize, topLevelJsonKeys } from './detect';
import { RECOGNIZERS } from './recognizers';

type Obj = Record<string, unknown>;

/** Texts longer than this are left to the server (a policy is a few KB). */
export const MAX_QUICK_SNIFF = 64 * 1024;

/** Empty, or only comments: nothing says what the file is yet (the server's classification too). */
export function isBlank(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '');
  return !/^[ \t]*[^\s#]/m.test(t) || /^\s*\{\s*\}\s*$/.test(t);
}

/**
 * The name the engine sees for a document: its path, with `.json` added for a JSON document whose
 * path does not end in `.json`/`.jsonc` (an untitled one), so that it is parsed as JSON.
 */
export function engineFileName(path: string, languageId: string): string {
  if (/^(jsonc?|policylens-json)$/.test(languageId) && !/\.jsonc?$/i.test(path)) return `${path}.json`;
  return path;
}

/** A placeholder for a value the recogniser need not know, only that it is not a mapping. */
const SCALAR = null;

/**
 * The dialect id a text is recognised as, or undefined when it is not a policy by its content or
 * the text is beyond what this reader can be sure of. `fileName` as `engineFileName` gives it.
 */
export function sniffPolicy(text: string, fileName: string): string | undefined {
  if (text.length > MAX_QUICK_SNIFF || isBlank(text)) return undefined;
  const value = /\.json$/i.test(fileName) ? jsonShape(text) : yamlShape(text);
  if (value === undefined) return undefined;
  return recognize(value, text, fileName, RECOGNIZERS)?.dialect.id;
}

/** A JSON text's value, when `JSON.parse` reads it as the server's parser does (no duplicate keys). */
function jsonShape(text: string): Obj | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  // A key written twice keeps its last value in `JSON.parse`; the server's parser reports it: let
  // the server decide such a file.
  if (/"__proto__"\s*:/.test(text) || topLevelJsonKeys(text).length !== Object.keys(value).length)
    return undefined;
  return value as Obj;
}

/** A top-level `key:` line, the key plain (letters, digits, `_$.-`), or quoted without escapes. */
const KEY_LINE = /^(?:"([^"\\]*)"|'([^']*)'|([A-Za-z_$][\w$.-]*))[ \t]*:(?:[ \t]+(.*))?$/;
/** A nested line that starts a mapping entry (the value above it is then a mapping). */
const NESTED_KEY = /^[ ]+(?:"[^"\\]*"|'[^']*'|[A-Za-z_$][\w$.-]*)[ \t]*:(?:[ \t]|$)/;
/** Words YAML reads as something other than a string (the value of `$schema` must be a string). */
const NOT_A_STRING = /^(?:~|null|true|false|yes|no|on|off|[-+.\d].*)$/i;

/**
 * The top-level shape of a YAML text in the plain block style: every top-level key, with its
 * value a mapping (`{}`) or not (`null`), and `$schema`'s string. Undefined for anything else.
 */
function yamlShape(text: string): Obj | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Obj = {};
  let started = false;
  /** The key whose value is still open (nothing inline): its first nested line decides it. */
  let open: string | undefined;
  /** The key whose value is a sequence written at column 0 (`- item` under `key:`). */
  let sequence: string | undefined;
  /** What nested lines may follow the last top-level line (see `nested`). */
  let nested: Nested = 'content';
  for (const line of lines) {
    if (/^[ \t]*(#.*)?$/.test(line)) continue;
    if (line.startsWith('\t')) return undefined;
    if (line.startsWith(' ')) {
      if (open) {
        // The first nested line of an open value says what it is.
        if (NESTED_KEY.test(line)) out[open] = {};
        else if (/^-(\s|$)/.test(line.trimStart())) out[open] = SCALAR;
        else return undefined;
        open = undefined;
      } else if (nested === 'none' || (nested === 'text' && NESTED_KEY.test(line))) return undefined;
      continue;
    }
    if (/^-(\s|$)/.test(line)) {
      // A sequence at column 0 belongs to the key above it, when that key's value was open.
      if (open === undefined && sequence === undefined) return undefined;
      if (open !== undefined) out[open] = SCALAR;
      sequence = open ?? sequence;
      open = undefined;
      nested = 'content';
      continue;
    }
    if (!started && /^---[ \t]*(#.*)?$/.test(line)) {
      started = true;
      continue;
    }
    const m = KEY_LINE.exec(line);
    if (!m) return undefined;
    started = true;
    sequence = undefined;
    const key = m[1] ?? m[2] ?? m[3];
    if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') return undefined;
    const inline = inlineValue(m[4] ?? '');
    if (inline === undefined) return undefined;
    if (inline === 'open') {
      out[key] = SCALAR;
      open = key;
      nested = 'content';
      continue;
    }
    open = undefined;
    nested = inline.nested;
    if (key === '$schema') {
      // Its text is read, so it must be all on this line.
      if (inline.kind !== 'string') return undefined;
      out[key] = inline.text;
      nested = 'none';
    } else out[key] = inline.kind === 'mapping' ? {} : SCALAR;
  }
  return started ? out : undefined;
}

/**
 * Which nested lines may follow a top-level line: any (`content`: a nested collection, a block
 * scalar), the continuation of a plain scalar (`text`: no `key:` line, which would be an error),
 * or none (a quoted scalar or a flow collection ends on its line).
 */
type Nested = 'content' | 'text' | 'none';

type Inline =
  'open' | { kind: 'mapping' | 'other'; nested: Nested } | { kind: 'string'; text: string; nested: Nested };

/** What a top-level key's value on its own line is; undefined when it is not plainly readable. */
function inlineValue(raw: string): Inline | undefined {
  const v = raw.trim();
  if (v === '' || v.startsWith('#')) return 'open';
  const c = v[0];
  if (c === '"' || c === "'") {
    const close = c === '"' ? /^"((?:[^"\\]|\\.)*)"[ \t]*(#.*)?$/ : /^'((?:[^']|'')*)'[ \t]*(#.*)?$/;
    const m = close.exec(v);
    if (!m) return undefined;
    // A string with escapes is left unread (only `$schema`'s text is ever read).
    return /[\\']/.test(m[1])
      ? { kind: 'other', nested: 'none' }
      : { kind: 'string', text: m[1], nested: 'none' };
  }
  if (c === '{' || c === '[') {
    // A flow collection on one line: balanced once its quoted strings are set aside, and nothing
    // after it (no comment to tell from a `#` in a string).
    const bare = v.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""');
    if (/#|"[^"]|'/.test(bare.replace(/""/g, ''))) return undefined;
    let depth = 0;
    for (let i = 0; i < bare.length; i++) {
      if (bare[i] === '{' || bare[i] === '[') depth++;
      else if (bare[i] === '}' || bare[i] === ']') depth--;
      if (depth === 0 && i !== bare.length - 1) return undefined;
    }
    if (depth !== 0) return undefined;
    return { kind: c === '{' ? 'mapping' : 'other', nested: 'none' };
  }
  // A block scalar (`|`, `>`) is a string; anchors, aliases, tags and other indicators are not read.
  if (/^[|>][-+0-9]*[ \t]*(#.*)?$/.test(v)) return { kind: 'other', nested: 'content' };
  if (/^[&*!%@`|>?:,\]}-]/.test(v)) return undefined;
  // A plain scalar: a `: ` inside it is an error; its comment is not part of it.
  const plain = v.replace(/[ \t]+#.*$/, '');
  if (/:(\s|$)/.test(plain)) return undefined;
  return NOT_A_STRING.test(plain)
    ? { kind: 'other', nested: 'text' }
    : { kind: 'string', text: plain, nested: 'text' };
}
