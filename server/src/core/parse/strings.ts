import type { StringNode } from './ast';

/**
 * Maps a character offset in a string's decoded value to an offset in the source text, so a
 * problem inside an expression (a CEL syntax error) lands on the right character even when the
 * string has escapes or quotes, spans several lines, or is a literal or folded block scalar.
 */
export function sourceOffsetInString(text: string, node: StringNode, decodedOffset: number): number {
  const raw = text.slice(node.offset, node.end);
  if (node.style === 'json' || node.style === 'double') {
    let src = 1;
    let dec = 0;
    while (src < raw.length - 1 && dec < decodedOffset) {
      if (raw[src] === '\\' && raw[src + 1] === '\n' && node.style === 'double') {
        // An escaped line break joins the lines without a space.
        src = skipIndent(raw, src + 2);
        continue;
      }
      if (raw[src] === '\\') {
        const c = raw[src + 1];
        if (c === 'U' && parseInt(raw.slice(src + 2, src + 10), 16) > 0xffff) dec++;
        src += c === 'u' ? 6 : c === 'x' ? 4 : c === 'U' ? 10 : 2;
      } else if (raw[src] === '\n' && node.style === 'double') src = skipIndent(raw, src + 1);
      else src++;
      dec++;
    }
    while (node.style === 'double' && raw[src] === '\\' && raw[src + 1] === '\n')
      src = skipIndent(raw, src + 2);
    return node.offset + src;
  }
  if (node.style === 'single') {
    let src = 1;
    let dec = 0;
    while (src < raw.length - 1 && dec < decodedOffset) {
      if (raw[src] === '\n') src = skipIndent(raw, src + 1);
      else src += raw[src] === "'" && raw[src + 1] === "'" ? 2 : 1;
      dec++;
    }
    return node.offset + src;
  }
  if (node.style === 'plain') {
    if (!raw.includes('\n')) return node.offset + Math.min(decodedOffset, raw.length);
    return node.offset + foldedOffset(raw.split('\n'), 0, decodedOffset);
  }
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
  if (node.style === 'folded')
    return node.offset + headerEnd + 1 + foldedOffset(lines, indent, decodedOffset);
  return off + indent + col;
}

/** Skips the indentation of a continuation line of a quoted scalar. */
function skipIndent(raw: string, from: number): number {
  let i = from;
  while (raw[i] === ' ' || raw[i] === '\t') i++;
  return i;
}

/**
 * Offset, relative to the first of `lines`, of a decoded character of a folded scalar (a `>`
 * block or a plain scalar over several lines): each line break between two lines of text reads
 * as one space, an empty line as a line break, and indentation is not part of the value.
 */
function foldedOffset(lines: string[], indent: number, decodedOffset: number): number {
  let dec = 0;
  let lineStart = 0;
  let pendingBreak = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lead = i === 0 && indent === 0 ? 0 : Math.max(indent, /^[ \t]*/.exec(line)?.[0].length ?? 0);
    const content = line.slice(lead).replace(/[ \t]+$/, '');
    if (!content) {
      dec += 1; // An empty line is a line break in the value.
      pendingBreak = false;
    } else {
      if (pendingBreak) dec += 1; // The folded line break: one space.
      if (decodedOffset <= dec + content.length && decodedOffset >= dec)
        return lineStart + lead + (decodedOffset - dec);
      dec += content.length;
      pendingBreak = true;
    }
    lineStart += line.length + 1;
  }
  return Math.max(0, lineStart - 1);
}
