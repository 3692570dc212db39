// Keeps a bundle's text ASCII. V8 holds a source with one character above U+00FF as a two-byte
// string: the CLI's loader then decodes, hashes and compiles twice the bytes of a one-byte one
// (server/src/cli/boot.ts, docs/decisions/perf.md). esbuild escapes such characters in the
// strings it writes, but not in the comments it keeps nor in regular expression literals
// (cel-js has `µs` in one).
//
// Each character above U+007F becomes a `\uXXXX` escape, which means the same character in a
// string, in a regular expression (with or without the `u` flag, where an escaped surrogate pair
// is one character) and in an identifier, and is plain text in a comment. A character that a
// backslash escapes (`\é`, the character itself in a string or a regular expression without the
// `u` flag) loses that backslash. An escape adds five columns to its line: the source map is off by
// that much after it, on those few lines only.

/** The text with every character above U+007F written as a `\uXXXX` escape. */
export function asciiOnly(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/(\\*)([^\x00-\x7f])/g, (_, slashes, c) => {
    const kept = slashes.length % 2 ? slashes.slice(1) : slashes;
    return `${kept}\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
