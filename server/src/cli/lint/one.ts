import {
  analyze,
  chainFactsOf,
  detectDialect,
  getDialect,
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
  /** An I/O error reading the file (the lint goes on with the next file). */
  readError?: string;
}

/** Reads and analyses one file; never throws (an unreadable file becomes a `readError`). */
export function lintOne(path: string, dialect: string | undefined): LintedFile {
  try {
    const read = readPolicyText(path);
    if (read.kind === 'too-large') {
      const d = (dialect && getDialect(dialect)) || detectDialect(undefined, path);
      return {
        text: '',
        dialect: d.id,
        dialectLabel: d.label,
        findings: [tooLargeFinding(read.bytes, 'disk')],
      };
    }
    const { text, invalidEncoding } = read;
    const a = analyze(text, { fileName: path, dialect, invalidEncoding });
    const chain = a.doc && chainFactsOf(path, a.doc.value, a.dialect.id);
    return {
      text,
      dialect: a.dialect.id,
      dialectLabel: a.dialect.label,
      findings: a.findings,
      ...(chain ? { chain } : {}),
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
