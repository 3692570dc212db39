/**
 * Text files written in UTF-16 with a byte order mark, as Windows PowerShell 5's `>` and
 * `Out-File` write them. Every reader of policy files decodes them (the editor already gets them
 * decoded from VS Code): read as UTF-8 they were NUL bytes, and lint, chain and sync passed such a
 * file over as "not a policy" while eval refused it, so `sync --prune` planned to delete the live
 * policy it declared. Pure (no Buffer): the CLI and the language server share it.
 */
export type Utf16Order = 'le' | 'be';

/** The byte order of a text that starts with a UTF-16 byte order mark, if it does. */
export function utf16Order(bytes: Uint8Array): Utf16Order | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'be';
  return undefined;
}

/**
 * The text of UTF-16 bytes, its byte order mark kept as U+FEFF (the engine reads it as the mark of
 * a UTF-8 file). A last odd byte is no code unit: it becomes U+FFFD and `complete` is false.
 */
export function decodeUtf16(
  bytes: Uint8Array,
  order: Utf16Order,
  length = bytes.length,
): { text: string; complete: boolean } {
  const units = length >> 1;
  const [hi, lo] = order === 'le' ? [1, 0] : [0, 1];
  const parts: string[] = [];
  const chunk = new Array<number>(Math.min(units, 8192));
  for (let u = 0; u < units;) {
    const n = Math.min(chunk.length, units - u);
    chunk.length = n;
    for (let k = 0; k < n; k++, u++) chunk[k] = (bytes[2 * u + hi] << 8) | bytes[2 * u + lo];
    parts.push(String.fromCharCode(...chunk));
  }
  const complete = length % 2 === 0;
  return { text: parts.join('') + (complete ? '' : '\uFFFD'), complete };
}

/** The bytes of `text` in UTF-16 of the given order (with the mark when the text starts with it). */
export function encodeUtf16(text: string, order: Utf16Order): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  const [hi, lo] = order === 'le' ? [1, 0] : [0, 1];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i + hi] = c >> 8;
    out[2 * i + lo] = c & 0xff;
  }
  return out;
}
