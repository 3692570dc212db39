import { isScalar, visit, type Document, type ScalarTag } from 'yaml';
import type { Finding } from '../findings';

const BINARY = 'tag:yaml.org,2002:binary';

/**
 * `!!binary`, read the same in every build. The `yaml` package decodes it with `Buffer` in its Node
 * build (which skips characters that are not base64) and with `atob` in its browser build (which
 * throws on them), and the language server and the extension bundle the browser build: invalid
 * base64 was a `yaml/syntax` error in the editor and nothing in `policylens lint`, and a valid value
 * was a `Buffer` in one and a `Uint8Array` in the other (JSON of different shapes). Here the value
 * is the base64 text itself, white space removed: a policy is JSON-shaped data, which carries bytes
 * as base64. Whether that text is valid base64 is `binaryFindings`' question, asked of the parsed
 * document, so the finding sits on the value and nothing depends on the build.
 */
export const binaryTag: ScalarTag = {
  tag: BINARY,
  default: false,
  // Never chosen when stringifying: the value is a plain string.
  identify: () => false,
  resolve: (src: string) => src.replace(/[\t\n\r ]/g, ''),
};

/**
 * Whether `text` (white space removed) is base64 as `atob` reads it (WHATWG "forgiving base64"):
 * the 64 characters, then at most two `=` that pad it to a multiple of four, and no lone last
 * character. The values the browser build accepted are the ones accepted here.
 */
export function isBase64(text: string): boolean {
  const body = text.length % 4 === 0 ? text.replace(/={1,2}$/, '') : text;
  return body.length % 4 !== 1 && /^[A-Za-z0-9+/]*$/.test(body);
}

/** A finding on each `!!binary` scalar of `doc` whose text is not base64, in the document's order. */
export function binaryFindings(doc: Document, text: string): Finding[] {
  // A document without a `!` has no tag at all. (Not a search for `binary`: a tag may be written
  // with escapes, `!!bin%61ry`, or through a `%TAG` prefix, `!x!ary`.)
  if (!text.includes('!')) return [];
  const findings: Finding[] = [];
  visit(doc, {
    Scalar: (_key, node) => {
      if (!isScalar(node) || node.tag !== BINARY || typeof node.value !== 'string') return;
      if (isBase64(node.value)) return;
      const [start, end] = node.range ?? [0, 0];
      findings.push({
        code: 'yaml/invalid-binary',
        severity: 'error',
        message: '!!binary: the value is not base64 (letters, digits, "+" and "/", then at most two "=")',
        span: { start, end: Math.max(end, start + 1) },
      });
    },
  });
  return findings;
}
