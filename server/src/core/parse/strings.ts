import type { StringNode } from './ast';

/**
 * Maps a character offset in a string's decoded value to an offset in the source text, so a
 * problem inside an expression (a CEL syntax error) lands on the right character even when the
 * string has escapes or quotes. Block scalars and folded plain scalars fall back to the start of
 * the value's content when the mapping is not exact.
 */
export function sourceOffsetInString(text: string, node: StringNode, decodedOffset: number): number {
  const raw = text.slice(node.offset, node.end);
  if (node.style === 'json' || node.style === 'double') {
    let src = 1;
    let dec = 0;
    while (src < raw.length - 1 && dec < decodedOffset) {
      if (raw[src] === '\\') {
        const c = raw[src + 1];
        src += c === 'u' ? 6 : c === 'x' ? 4 : c === 'U' ? 10 : 2;
      } else src++;
      dec++;
    }
    return node.offset + src;
  }
  if (node.style === 'single') {
    let src = 1;
    let dec = 0;
    while (src < raw.length - 1 && dec < decodedOffset) {
      src += raw[src] === "'" && raw[src + 1] === "'" ? 2 : 1;
      dec++;
    }
    return node.offset + src;
  }
  if (node.style === 'plain') return node.offset + Math.min(decodedOffset, raw.length);
  // Block scalar: find the decoded line and column among the content lines.
  const headerEnd = raw.indexOf('\n');
  if (headerEnd < 0) return node.offset;
  const before = node.value.slice(0, decodedOffset);
  const line = before.split('\n').length - 1;
  const col = decodedOffset - (before.lastIndexOf('\n') + 1);
  const lines = raw.slice(headerEnd + 1).split('\n');
  const indent = /^[ ]*/.exec(lines.find((l) => l.trim()) ?? '')?.[0].length ?? 0;
  let off = node.offset + headerEnd + 1;
  for (let i = 0; i < line && i < lines.length; i++) off += lines[i].length + 1;
  return off + indent + (node.style === 'literal' ? col : Math.min(col, (lines[line] ?? '').length));
}
