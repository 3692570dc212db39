// Markdown built from a document's own text (hover), where that text must stay text.

/**
 * A document's value as markdown inline code, whatever it contains: the fence is longer than any
 * run of backticks inside, and line breaks become spaces (a blank line would end the span). A name
 * like "a` <img src=x onerror=…> `b" would otherwise close the span and reach the client as HTML.
 */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A document's text as plain markdown text: every character markdown or HTML would act on is
 * backslash-escaped (CommonMark allows it before any ASCII punctuation), line breaks become spaces.
 */
export function escapeMarkdownText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_{}[\]<>()#+!|~&]/g, '\\$&');
}
