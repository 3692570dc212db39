import { buildFixes } from './edit/fixes';
import { capFindings, compareFindings, MAX_FINDINGS_PER_FILE, type Finding } from './findings';
import {
  classify,
  commentHint,
  detectDialect,
  unknownDialectComment,
  getDialect,
  recognize,
  type Dialect,
  type RecognizedBy,
} from './dialects';
import {
  displayPath,
  languageOf,
  locate,
  MAX_TEXT_LENGTH,
  ParsedDocument,
  type AstNode,
  type Language,
} from './parse';
import { unstorableStringFindings } from './parse/unstorableStrings';
import { requestLimitProblem } from './plan/limits';
import { sourceOffsetInString } from './parse/strings';
import type { Problem } from './problem';
import type { FindingCode } from './rules';
import { validatorFor } from './schema/compile';
import { problemsFromErrors } from './schema/problems';
import { LineIndex, type Span } from './text';

export interface AnalyzeOptions {
  /** The file's name or URI: it decides JSON or YAML, and may help detect the dialect. */
  fileName: string;
  /** A dialect id that overrides detection (from a setting or a `$schema`). */
  dialect?: string;
  /** The bytes were not valid UTF-8 and were decoded with replacement characters. */
  invalidEncoding?: boolean;
  /**
   * A parse the caller already holds (the language server's workspace index parsed the file on
   * disk). It is used only when it is a parse of exactly this text in this language, so the
   * analysis is the same with or without it; otherwise the text is parsed.
   */
  parsed?: ParsedDocument;
  /**
   * Leave out a file that is not a policy: its analysis has no findings (see `recognizedBy`).
   * `foreign` skips a readable mapping that nothing marks as a policy (no `# policylens: dialect=`
   * comment, no `$schema` of ours, no keys of any format, no `dialect` forced): a package.json, a
   * workflow. `unrecognized` also skips what cannot be read as a document at all (`unreadable`).
   */
  skip?: 'foreign' | 'unrecognized';
}

/** Why a file is analysed as a policy: see `classify` in dialects/. */
export type PolicyClass = RecognizedBy | 'forced' | 'unsure';

export interface Analysis {
  language: Language;
  dialect: Dialect;
  doc: ParsedDocument | undefined;
  findings: Finding[];
  lines: LineIndex;
  /**
   * Why the file is a policy: forced, or how it was recognised; `unreadable` when its content
   * cannot tell (it does not parse, is empty or not a mapping); undefined for a foreign file.
   */
  recognizedBy: PolicyClass | undefined;
}

function at(
  code: FindingCode,
  message: string,
  start = 0,
  end = 1,
  severity: Finding['severity'] = 'error',
): Finding {
  return { code, severity, message, span: { start, end } };
}

/**
 * The finding of a file over the size limit. `text` counts the characters of a text that was read;
 * `disk` counts the bytes of a file the caller refused to read at all (at least one byte per
 * character, so a file with more bytes than three times the limit cannot hold a text within it).
 */
export function tooLargeFinding(size: number, measured: 'text' | 'disk'): Finding {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return at(
    'parse/too-large',
    measured === 'text'
      ? `the file is ${mb(size)} MB; policy files up to ${MAX_TEXT_LENGTH / 1048576} MB are analysed`
      : `the file is ${mb(size)} MB on disk; policy files up to ${MAX_TEXT_LENGTH / 1048576} MB are analysed, and it was not parsed`,
    0,
    // A refused file has no text to point into.
    measured === 'text' ? 1 : 0,
  );
}

/** Schema problems plus the dialect's own rules, on a plain value: no text, no positions. */
export function problemsOf(value: unknown, dialect: Dialect, limit = Infinity): Problem[] {
  const validate = validatorFor(dialect.schema);
  const schemaProblems = validate(value)
    ? []
    : problemsFromErrors(validate.errors ?? [], dialect.schema, value, limit);
  // The validator's errors hold the document's values; they are not kept past this call.
  validate.errors = null;
  if (schemaProblems.some((p) => p.code === 'parse/root-not-mapping')) return schemaProblems;
  const all = [...schemaProblems, ...(dialect.rules?.(value) ?? [])];
  return all.length > limit ? all.slice(0, limit) : all;
}

/** A problem of a plain value, as data: callers never need to read the message back. */
export interface ValueProblem {
  code: FindingCode;
  severity: Finding['severity'];
  /** The message as lint prints it (`ruleDefinition.tools: must be array, not string`). */
  message: string;
  /** The message without the leading `path: `, for callers that show the path separately. */
  detail: string;
  /** The display path of the value (`tools[0].name`); '' for the document root. */
  path: string;
  /** For a missing required key: its name. */
  missing?: string;
}

/**
 * Validates a plain value, as the registry does with a request body: the same checks and
 * messages as lint, with paths instead of ranges.
 */
export function validateValue(value: unknown, dialectId = 'execlave'): ValueProblem[] {
  const dialect = getDialect(dialectId) ?? detectDialect(value, '');
  return problemsOf(value, dialect).map((p) => {
    const path = displayPath(p.path);
    // Every rule writes its message as `path: text` when the path is not the root (schema/problems.ts
    // `prefix`, the dialects' `at`), so the detail is that text.
    const detail =
      path !== '' && p.message.startsWith(`${path}: `) ? p.message.slice(path.length + 2) : p.message;
    return {
      code: p.code,
      severity: p.severity,
      message: p.message,
      detail,
      path,
      ...(p.missing !== undefined ? { missing: p.missing } : {}),
    };
  });
}

function firstKeySpan(root: AstNode | null): Span {
  if (root?.type === 'object' && root.properties.length)
    return { start: root.properties[0].key.offset, end: root.properties[0].key.end };
  return {
    start: root?.offset ?? 0,
    end: Math.max((root?.offset ?? 0) + 1, Math.min(root?.end ?? 1, (root?.offset ?? 0) + 1)),
  };
}

/** Places a problem on its token and turns its fix descriptions into edits. */
export function resolveProblem(
  problem: Problem,
  doc: Pick<ParsedDocument, 'root' | 'text' | 'language'>,
): Finding {
  const root = doc.root;
  const { node, property, depth } = locate(root, problem.path);
  const complete = depth === problem.path.length;
  let span: Span;
  if (problem.target === 'parentKey') {
    if (problem.path.length === 0) span = firstKeySpan(root);
    else if (complete && property) span = { start: property.key.offset, end: property.key.end };
    else span = node ? { start: node.offset, end: node.end } : firstKeySpan(root);
  } else if (problem.target === 'key' && complete && property) {
    span = { start: property.key.offset, end: property.key.end };
  } else if (complete && node && (node.end > node.offset || !property)) {
    span = { start: node.offset, end: node.end };
    if (problem.inner && node.type === 'string') {
      span = {
        start: sourceOffsetInString(doc.text, node, problem.inner.start),
        end: sourceOffsetInString(doc.text, node, problem.inner.end),
      };
      if (span.end <= span.start) span.end = span.start + 1;
    }
  } else if (property) {
    span = { start: property.key.offset, end: property.key.end };
  } else if (node) {
    span = { start: node.offset, end: node.end };
  } else span = firstKeySpan(root);
  const fixes = complete
    ? buildFixes(problem.fixes, { text: doc.text, language: doc.language, node, property }, problem.path)
    : [];
  // A fix `lint --fix` would have made and does not: the message says why, for the CLI's report.
  const held = fixes.find((f) => f.held)?.held;
  return {
    code: problem.code,
    severity: problem.severity,
    message: held ? `${problem.message}; lint --fix leaves it: ${held}` : problem.message,
    span,
    path: displayPath(problem.path),
    ...(fixes.length ? { fixes } : {}),
  };
}

/**
 * Keeps every span where an editor can show it: inside the text, and never between the CR and the
 * LF of a line end (parsers report some errors on the CR, and such an offset is on no line).
 */
function placeOnLines(findings: Finding[], text: string): Finding[] {
  const fit = (o: number): number => {
    const c = Math.max(0, Math.min(o, text.length));
    return c > 0 && text.charCodeAt(c - 1) === 13 && text.charCodeAt(c) === 10 ? c - 1 : c;
  };
  for (const f of findings) {
    const start = fit(f.span.start);
    f.span = { start, end: Math.max(start, fit(f.span.end)) };
  }
  return findings;
}

function skipped(options: AnalyzeOptions, by: PolicyClass | undefined): boolean {
  if (!options.skip) return false;
  return by === undefined || (options.skip === 'unrecognized' && by === 'unsure');
}

/** Analyses one policy file: parse, detect the dialect, validate, and place every finding. */
export function analyze(text: string, options: AnalyzeOptions): Analysis {
  return finishAnalysis(analyzeInSteps(text, options));
}

/** An analysis that pauses between its costly steps (see `analyzeInSteps`). */
export type AnalysisSteps = Generator<void, Analysis, void>;

/** Runs the remaining steps of an analysis at once. */
export function finishAnalysis(steps: AnalysisSteps): Analysis {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Problems placed between two pauses of `analyzeInSteps`: a request waits at most one step, and 25
 * placements keep a step within a few ms on these machines (100 let a loaded test see a document
 * of 1,000 findings analysed in three request round trips).
 */
const PLACED_PER_STEP = 25;

/**
 * The same analysis as `analyze`, paused after each costly step: the parse, the validation, every
 * slice of the position tree where it is built in slices (valid JSON, see `validJsonTree`), and
 * every PLACED_PER_STEP findings placed (the first one builds the position tree otherwise). Most files take a
 * millisecond and are analysed at once; a caller with other work to do (the language server,
 * answering requests) runs a document of hundreds of thousands of keys a step at a time.
 */
export function* analyzeInSteps(text: string, options: AnalyzeOptions): AnalysisSteps {
  const language = languageOf(options.fileName);
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const forced = options.dialect ? getDialect(options.dialect) : undefined;
  const done = (
    doc?: ParsedDocument,
    dialect?: Dialect,
    by: PolicyClass | undefined = forced ? 'forced' : undefined,
  ): Analysis => {
    // A file the engine cannot read as a document is judged by its text (its first keys).
    let chosen = dialect;
    if (!chosen && !by) {
      const r = recognize(undefined, text, options.fileName);
      chosen = r?.dialect;
      by = r?.by ?? 'unsure';
    }
    if (skipped(options, by)) findings.length = 0;
    return {
      language,
      // The file name's dialect only when nothing else chose one (a file that did not parse).
      dialect: chosen ?? forced ?? detectDialect(undefined, options.fileName),
      doc,
      findings: capFindings(placeOnLines(findings, text).sort(compareFindings)),
      lines,
      recognizedBy: by,
    };
  };

  if (options.invalidEncoding) {
    const bad = Math.max(0, text.indexOf('\uFFFD'));
    findings.push(
      at(
        'parse/encoding',
        'the file is not valid UTF-8; invalid bytes were replaced',
        bad,
        Math.min(bad + 1, text.length),
      ),
    );
  }
  if (text.length > MAX_TEXT_LENGTH) {
    findings.push(tooLargeFinding(text.length, 'text'));
    return done();
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    findings.push(at('parse/binary', 'the file is not text (it contains NUL bytes)', nul, nul + 1));
    return done();
  }
  // Only white space (a byte order mark is white space to `\s`, as to `trim`): no copy of the text.
  if (!/\S/.test(text)) {
    findings.push(at('parse/empty', 'empty policy file: a policy file declares one policy', 0, 0));
    return done();
  }
  try {
    const parsed = options.parsed;
    const reuse = parsed && parsed.text === text && parsed.language === language;
    const doc = reuse ? parsed : new ParsedDocument(text, language);
    if (!reuse) yield;
    return yield* analyzeParsed(doc, options, findings, done);
  } catch (e) {
    // Nesting thousands of levels deep exhausts the stack of the parsers and the validator; it is
    // reported instead of crashing the editor or the CLI.
    if (!(e instanceof RangeError)) throw e;
    findings.length = 0;
    findings.push(at('parse/too-deep', 'the document is nested too deeply to analyse'));
    return done();
  }
}

function* analyzeParsed(
  doc: ParsedDocument,
  options: AnalyzeOptions,
  findings: Finding[],
  done: (doc?: ParsedDocument, dialect?: Dialect, by?: PolicyClass) => Analysis,
): AnalysisSteps {
  findings.push(...doc.parseFindings);
  if (doc.value === undefined && findings.length) return done(doc);
  if (doc.value === null || doc.value === undefined) {
    if (!findings.length) findings.push(at('parse/empty', 'the file has no content besides comments', 0, 0));
    return done(doc);
  }
  const forced = options.dialect ? getDialect(options.dialect) : undefined;
  const recognized = forced ? undefined : recognize(doc.value, doc.text, options.fileName);
  const by: PolicyClass | undefined = forced
    ? 'forced'
    : (recognized?.by ?? classify(doc.value, doc.text, options.fileName));
  if (skipped(options, by)) {
    findings.length = 0;
    return done(doc, detectDialect(doc.value, options.fileName), by);
  }
  const dialect =
    forced ??
    recognized?.dialect ??
    detectDialect(doc.value, options.fileName, doc.language === 'yaml' ? commentHint(doc.text) : undefined);
  if (recognized?.by === 'dialect-comment') findings.push(...unknownDialectComment(doc.text, dialect));
  // One problem more than a file reports, so that the cap (in `done`) knows some were left out;
  // placing a problem on its token is the costly part, and it is done for these only.
  const problems = problemsOf(doc.value, dialect, MAX_FINDINGS_PER_FILE + 1);
  if (problems.length) {
    yield;
    // The positions, read a slice at a time where the text allows it (valid JSON).
    yield* doc.rootInSteps();
  }
  // A `<<` key is one problem: its yaml/merge-key error, not also an unknown key (yamlMergeKeys.ts).
  const mergeKeys = new Set(
    doc.parseFindings.filter((f) => f.code === 'yaml/merge-key').map((f) => f.span.start),
  );
  for (let i = 0; i < problems.length; i++) {
    const f = resolveProblem(problems[i], doc);
    if (!(mergeKeys.has(f.span.start) && f.code.startsWith('schema/unknown-'))) findings.push(f);
    if (i % PLACED_PER_STEP === 0 && i + 1 < problems.length) yield;
  }
  // The tree is walked only when the text has a surrogate escape (or a raw half of a pair).
  // Strings a server refuses although the text parses (a lone surrogate, a NUL character).
  findings.push(...unstorableStringFindings(doc));
  // A bundle the live org refuses for its size or depth, though the schema accepts it (plan/limits.ts).
  const limit = dialect.id === 'execlave' ? requestLimitProblem(doc.value) : undefined;
  if (limit) findings.push(resolveProblem(limit, doc));
  return done(doc, dialect, by);
}
