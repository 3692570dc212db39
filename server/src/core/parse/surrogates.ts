/**
 * Lone UTF-16 surrogates. JSON (`"\ud800"`) and YAML double-quoted strings (`"\ud800"`,
 * `"\U0000d800"`) can escape half of a surrogate pair; the parsers hand back a string that is not
 * Unicode. Encoded as UTF-8 it becomes U+FFFD (so two different names collide on a server) or is
 * refused outright (PostgreSQL's JSONB), so such a string never survives a sync as written.
 */
import type { AstNode, PathSegment, StringNode } from './ast';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** A surrogate escape, or a surrogate code unit in the text itself (a pair is fine, a half is not). */
const MAYBE = /\\(?:u|U0000)[dD][89a-fA-F]/;

const escapeOf = (s: string, i: number) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;

/** The index of the first lone surrogate in `s`, or -1. */
export function loneSurrogateAt(s: string): number {
  const m = LONE.exec(s);
  return m ? m.index : -1;
}

/** `s` with each lone surrogate written as its escape, so a message or a path can show it. */
export function escapeLoneSurrogates(s: string): string {
  return replaceLoneSurrogates(s, (c) => escapeOf(c, 0));
}

/** `s` with each lone surrogate replaced by what `by` gives for it. */
export function replaceLoneSurrogates(s: string, by: (half: string) => string): string {
  return s.replace(new RegExp(LONE.source, 'g'), by);
}

/** A quick test of the source text: false means no string of it can hold a lone surrogate. */
export function mayHoldLoneSurrogate(text: string): boolean {
  return MAYBE.test(text) || LONE.test(text);
}

export interface LoneSurrogate {
  /** The key or value that holds it. */
  node: StringNode;
  /** The path of the value (for a key: the path of its value). */
  path: PathSegment[];
  /** Where in the decoded string. */
  index: number;
  /** The code unit as an escape: `\ud800`. */
  escape: string;
}

/** Every key and string value of the tree that holds a lone surrogate, in document order. */
export function findLoneSurrogates(root: AstNode | null): LoneSurrogate[] {
  return stringsWhere(root, loneSurrogateAt).map((s) => ({ ...s, escape: escapeOf(s.node.value, s.index) }));
}

/**
 * Every key and string value of the tree in which `indexIn` finds something (an index, or -1), in
 * document order, with the path of its value and where in the decoded string.
 */
export function stringsWhere(
  root: AstNode | null,
  indexIn: (value: string) => number,
): { node: StringNode; path: PathSegment[]; index: number }[] {
  const out: { node: StringNode; path: PathSegment[]; index: number }[] = [];
  if (!root) return out;
  // Iterative: the tree may be as deep as the parsers allow.
  const stack: [AstNode, PathSegment[]][] = [[root, []]];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (node.type === 'string') {
      const i = indexIn(node.value);
      if (i >= 0) out.push({ node, path, index: i });
    } else if (node.type === 'object') {
      for (let k = node.properties.length - 1; k >= 0; k--) {
        const p = node.properties[k];
        const childPath = [...path, p.key.value];
        if (p.value) stack.push([p.value, childPath]);
        stack.push([p.key, childPath]);
      }
    } else if (node.type === 'array') {
      for (let k = node.items.length - 1; k >= 0; k--) stack.push([node.items[k], [...path, k]]);
    }
  }
  return out;
}

/**
 * The path of the first string (key or value) of a plain value that holds a lone surrogate, or
 * undefined: the registry's check of a request body, which has no text positions.
 */
export function loneSurrogatePath(value: unknown): { path: PathSegment[]; escape: string } | undefined {
  const stack: [unknown, PathSegment[]][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const i = loneSurrogateAt(v);
      if (i >= 0) return { path, escape: escapeOf(v, i) };
    } else if (Array.isArray(v)) {
      for (let k = v.length - 1; k >= 0; k--) stack.push([v[k], [...path, k]]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let k = entries.length - 1; k >= 0; k--) {
        const [key, child] = entries[k];
        // The key is checked as a string of the same path, just before its value.
        stack.push([child, [...path, key]], [key, [...path, key]]);
      }
    }
  }
  return undefined;
}
