import { dirname, relative, resolve } from 'node:path';
import {
  caseOffset,
  languageOf,
  LineIndex,
  ParsedDocument,
  policyTestFindings,
  readPolicyTest,
  runCase,
  stepOffset,
  type CaseOutcome,
  type Finding,
} from '../../core/index';
import { collectPolicyFiles, InputError, readWholeText, UsageError } from '../files';
import { loadPolicies, noPolicyUnder, type LoadedPolicies, type LoadOptions } from './load';

export interface CaseReport extends Omit<CaseOutcome, 'failedStep'> {
  /**
   * One-based line in the test file of what a report points at: the `expect` of the step that
   * failed first in a sequence, else the case's `expect`.
   */
  line?: number;
}

export interface FileReport {
  file: string;
  /** The policy files the cases ran against. */
  policies: string[];
  cases: CaseReport[];
  /** Why the file could not run at all (it does not parse, or its policies do not load). */
  error?: string;
}

const display = (p: string) => relative(process.cwd(), p).split('\\').join('/') || p;

/** The test files under the paths: `*.policytest.*` in folders; a file named directly is taken as is. */
export function findTestFiles(paths: readonly string[]): string[] {
  return [...new Set(collectPolicyFiles(paths, { tests: true }).map((f) => f.path))];
}

/** Runs every case of one test file, loading its policies once per set (shared through `cache`). */
export function runTestFile(
  path: string,
  filter: ((name: string) => boolean) | undefined,
  cache: Map<string, LoadedPolicies>,
  load: LoadOptions = {},
): FileReport {
  const file = display(path);
  let text: string;
  try {
    text = readWholeText(path);
  } catch (e) {
    return { file, policies: [], cases: [], error: `cannot read: ${(e as Error).message}` };
  }
  const doc = new ParsedDocument(text, languageOf(path));
  if (doc.parseFindings.some((f) => f.severity === 'error'))
    return {
      file,
      policies: [],
      cases: [],
      error: `does not parse:\n${placed(file, text, doc.parseFindings)}`,
    };
  const { file: tests, errors } = readPolicyTest(doc.value);
  if (!tests) {
    // Every problem at once, at its line and column, as the editor shows them (the reader stops at
    // the first kind it meets and says where in its own notation: a field test fixed one per run).
    const found = policyTestFindings(doc).filter((f) => f.severity !== 'info');
    const why = found.length ? placed(file, text, found) : errors.join('\n');
    return { file, policies: [], cases: [], error: `not a valid test file:\n${why}` };
  }
  const paths = (tests.policies ?? ['.']).map((p) => resolve(dirname(path), p));
  const key = paths.join('\u0000');
  let loaded = cache.get(key);
  if (!loaded) {
    try {
      loaded = loadPolicies(paths, undefined, load);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return { file, policies: [], cases: [], error: `its policies do not load: ${e.message}` };
    }
    cache.set(key, loaded);
  }
  const selected = tests.cases.filter((c) => !filter || filter(c.name));
  // Against no policy every case would run against nothing: a test file in the wrong folder, or
  // whose `policies:` names the wrong one, is a usage error rather than a run that proves nothing.
  if (selected.length && !loaded.sources.length)
    throw new InputError(`${file}: ${noPolicyUnder(paths)} to run its cases against`);
  const lines = new LineIndex(text);
  const cases: CaseReport[] = [];
  for (const c of selected) {
    const { failedStep, ...outcome } = runCase(loaded.compiled, c);
    const offset =
      (failedStep !== undefined ? stepOffset(doc, c.index, failedStep) : undefined) ??
      caseOffset(doc, c.index);
    cases.push({ ...outcome, ...(offset !== undefined ? { line: lines.positionAt(offset).line + 1 } : {}) });
  }
  return { file, policies: loaded.sources.map((s) => s.uri), cases };
}

/** Findings as lint prints them: `file:line:col: severity: message [code]`, one a line. */
function placed(file: string, text: string, findings: readonly Finding[]): string {
  const lines = new LineIndex(text);
  return findings
    .map((f) => {
      const at = lines.positionAt(f.span.start);
      return `${file}:${at.line + 1}:${at.character + 1}: ${f.severity}: ${f.message} [${f.code}]`;
    })
    .join('\n');
}
