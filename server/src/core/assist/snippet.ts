/** Escapes text for a snippet (`$`, `}` and `\` are syntax there). */
export function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/**
 * The text a snippet inserts when the client cannot run snippets: the first choice of each
 * `${1|a,b|}`, the default of each `${1:text}`, nothing for a bare tab stop, escapes undone.
 */
export function snippetToPlain(snippet: string): string {
  let out = '';
  // Placeholders (`${1:`) still open: their closing brace is syntax; any other `}` is text.
  let open = 0;
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i];
    const rest = snippet.slice(i);
    let m: RegExpExecArray | null;
    if (c === '\\' && i + 1 < snippet.length) out += snippet[++i];
    else if ((m = /^\$(\d+|\{\d+\})/.exec(rest))) i += m[0].length - 1;
    else if ((m = /^\$\{\d+\|([^,|]*)[^|]*\|\}/.exec(rest))) {
      out += m[1];
      i += m[0].length - 1;
    } else if ((m = /^\$\{\d+:/.exec(rest))) {
      open++;
      i += m[0].length - 1;
    } else if (c === '}' && open > 0) open--;
    else out += c;
  }
  return out;
}
