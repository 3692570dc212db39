import { closeSync, openSync, readSync } from 'node:fs';
import {
  analyze,
  chainFactsOf,
  getDialect,
  recognize,
  tooLargeFinding,
  type ChainFacts,
  type Finding,
} from '../../core/index';
import { readPolicyText } from '../files';

/**
 * One file's lint, as plain data: what a worker thread sends back to the main thread. The text
 * comes along so the main thread can turn offsets into lines and, for the few files a chain
 * finding lands in, parse the document again for positions.
 */
export interface LintedFile {
  text: string;
  dialect: string;
  dialectLabel: string;
  findings: Finding[];
  /** The file's chain facts when it is an Execlave bundle. */
  chain?: ChainFacts;
  /**
   * True when the fast parsers took the text: a chain finding is then placed from the positions of
   * `name` and `prerequisites` alone (`chainPolicyFromFacts`), not from a second full parse.
   */
  fastParsed?: boolean;
  /** An I/O error reading the file (the lint goes on with the next file). */
  readError?: string;
  /** Not a policy (nothing in it says so): no findings, counted by `--verbose`. */
  skipped?: boolean;
}

const SKIPPED: LintedFile = {
  text: '',
  dialect: 'none',
  dialectLabel: 'not a policy',
  findings: [],
  skipped: true,
};

/** The first 64 KB of a file, enough to tell whether it is a policy. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and analyses one file; never throws (an unreadable file becomes a `readError`). `regular`:
 * the walk saw it as a regular file (`readPolicyText`).
 */
export function lintOne(path: string, dialect: string | undefined, regular = false): LintedFile {
  try {
    const read = readPolicyText(path, regular);
    if (read.kind === 'too-large') {
      // Too large to read whole: its head says whether it is a policy at all.
      const d = (dialect && getDialect(dialect)) || recognize(undefined, head(path), path)?.dialect;
      if (!d) return SKIPPED;
      return {
        text: '',
        dialect: d.id,
        dialectLabel: d.label,
        findings: [tooLargeFinding(read.bytes, 'disk')],
      };
    }
    const { text, invalidEncoding } = read;
    const a = analyze(text, { fileName: path, dialect, invalidEncoding, skip: 'unrecognized' });
    // The text comes along so that --cache recognises the file the next time.
    if (!a.recognizedBy || a.recognizedBy === 'unsure') return { ...SKIPPED, text };
    const chain = a.doc && chainFactsOf(path, a.doc.value, a.dialect.id);
    return {
      text,
      dialect: a.dialect.id,
      dialectLabel: a.dialect.label,
      findings: a.findings,
      ...(chain ? { chain } : {}),
      ...(chain && a.doc?.fastParsed ? { fastParsed: true } : {}),
    };
  } catch (e) {
    return {
      text: '',
      dialect: 'unknown',
      dialectLabel: 'unknown',
      findings: [],
      readError: (e as Error).message,
    };
  }
}
