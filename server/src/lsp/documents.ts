import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyze,
  analyzeInSteps,
  applyRuleSettings,
  applySuppressions,
  capFindings,
  CHAIN_KEYS,
  compareFindings,
  engineFileName,
  finishAnalysis,
  isBlank,
  languageOf,
  LineIndex,
  classify,
  MAX_FINDINGS_PER_FILE,
  ParsedDocument,
  recognize,
  type Analysis,
  type AnalysisSteps,
  type Finding,
  type RuleSettings,
} from '../core/index';
import { POLICY_JSON, POLICY_YAML } from '../protocol/languages';
import { FileMatcher, isYamlOrJsonName, pathOf } from './settings';

/** Policy test files (`*.policytest.yaml`): run by the Test Explorer, never analysed as policies. */
const POLICY_TEST = /\.policytest\.(json|ya?ml)$/i;

/** Files above this size are never sniffed: a policy is a few KB, and sniffing must cost nothing. */
const MAX_SNIFF_LENGTH = 512 * 1024;

/**
 * A document at least this long whose analysis took at least SLICED_MIN_MS (or is not known yet) is
 * analysed in slices for its diagnostics (`stepAnalysis`), with the requests that arrive meanwhile
 * answered in between. A 20,000-line bundle analyses in tens of ms and is analysed at once after its
 * first time; a file of hundreds of thousands of keys takes seconds.
 */
const SLICED_MIN_LENGTH = 256 * 1024;
const SLICED_MIN_MS = 100;

/** An open policy document at one version, with its analysis computed once and then cached. */
export interface PolicyDocument {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly languageId: string;
  readonly textDocument: TextDocument;
  /** The file name handed to the engine (decides YAML or JSON). */
  readonly fileName: string;
  /** The dialect a `policyLens.dialects` glob forces, if any. */
  readonly dialectOverride: string | undefined;
  /** The engine's analysis of this version (cached). */
  readonly analysis: Analysis;
  readonly lines: LineIndex;
  /** The analysis findings plus every diagnostics provider's findings (cached per version). */
  findings(): Finding[];
  /** Whether the analysis is costly enough to be made in slices (`stepAnalysis`), and not made yet. */
  wantsSlices(): boolean;
  /**
   * Runs the next step of the analysis; true once it is complete. Whatever needs `analysis` before
   * then finishes it at once.
   */
  stepAnalysis(): boolean;
}

/** Adds findings to an open document's diagnostics (cross-file chain checks, for example). */
export interface DiagnosticsProvider {
  id: string;
  provide(doc: PolicyDocument): Finding[];
}

interface Entry {
  /** Sticky: once recognised as a policy, a document stays one until it is closed. */
  policy: boolean;
  /** The last sniff, with its parse (the analysis of the same version reuses it). */
  sniffed?: { version: number; result: boolean; parse?: ParsedDocument };
  cached?: CachedDocument;
  /** Moving average of the analysis time of this document, in ms, for the adaptive debounce. */
  costMs: number;
  generation: number;
}

class CachedDocument implements PolicyDocument {
  private analysisValue: Analysis | undefined;
  /** The analysis under way in slices, and the time its steps took so far. */
  private steps: { run: AnalysisSteps; ms: number } | undefined;
  private linesValue: LineIndex | undefined;
  private findingsValue: { generation: number; findings: Finding[] } | undefined;
  /** Snapshots: the TextDocument object is updated in place by later changes. */
  readonly version: number;
  readonly text: string;
  constructor(
    readonly textDocument: TextDocument,
    readonly fileName: string,
    readonly dialectOverride: string | undefined,
    private readonly store: DocumentStore,
    private readonly entry: Entry,
  ) {
    this.version = textDocument.version;
    this.text = textDocument.getText();
  }
  get uri(): string {
    return this.textDocument.uri;
  }
  get languageId(): string {
    return this.textDocument.languageId;
  }
  get analysis(): Analysis {
    if (!this.analysisValue) {
      const started = performance.now();
      const steps = this.steps ?? this.startSteps();
      this.complete(finishAnalysis(steps.run), steps.ms + performance.now() - started);
    }
    return this.analysisValue!;
  }
  private startSteps(): { run: AnalysisSteps; ms: number } {
    const run = analyzeInSteps(this.text, {
      fileName: this.fileName,
      dialect: this.dialectOverride,
      parsed: this.store.parseOf(this.uri),
    });
    return (this.steps = { run, ms: 0 });
  }
  private complete(analysis: Analysis, took: number): void {
    this.analysisValue = analysis;
    // From here the document is mostly held: it keeps what its chain findings are placed from and
    // lets its parser's events go (thousands of open documents kept them all).
    analysis.doc?.settle(CHAIN_KEYS);
    this.steps = undefined;
    this.entry.costMs = this.entry.costMs ? this.entry.costMs * 0.6 + took * 0.4 : took;
  }
  wantsSlices(): boolean {
    return (
      !this.analysisValue &&
      this.text.length >= SLICED_MIN_LENGTH &&
      (this.entry.costMs === 0 || this.entry.costMs >= SLICED_MIN_MS)
    );
  }
  stepAnalysis(): boolean {
    if (this.analysisValue) return true;
    const started = performance.now();
    const steps = this.steps ?? this.startSteps();
    const step = steps.run.next();
    steps.ms += performance.now() - started;
    if (step.done) this.complete(step.value, steps.ms);
    return step.done === true;
  }
  get lines(): LineIndex {
    // The lines do not wait for the analysis (a request may come while it runs in slices).
    return this.analysisValue?.lines ?? (this.linesValue ??= new LineIndex(this.text));
  }
  findings(): Finding[] {
    if (this.findingsValue?.generation !== this.entry.generation) {
      const extra: Finding[] = [];
      for (const p of this.store.providers) {
        try {
          extra.push(...p.provide(this));
        } catch (e) {
          this.store.log(`diagnostics provider ${p.id} failed on ${this.uri}: ${(e as Error).stack ?? e}`);
        }
      }
      let all = extra.length ? [...this.analysis.findings, ...extra] : this.analysis.findings;
      // The analysis is capped (MAX_FINDINGS_PER_FILE); with the cross-file findings it is again.
      if (all.length > MAX_FINDINGS_PER_FILE + 1) all = capFindings(all.sort(compareFindings));
      this.findingsValue = {
        generation: this.entry.generation,
        // The project's config has the last word, as in lint: severities, and codes turned off.
        findings: applyRuleSettings(
          applySuppressions(all, this.text, this.analysis.language),
          this.store.rulesFor(this.uri),
        ),
      };
    }
    return this.findingsValue.findings;
  }
}

/**
 * The open documents the server knows, which of them are policy files, and their cached analyses.
 * Every handler goes through here instead of parsing text itself.
 */
export class DocumentStore {
  readonly providers: DiagnosticsProvider[] = [];
  private readonly entries = new Map<string, Entry>();
  private readonly linesSources: ((uri: string) => LineIndex | undefined)[] = [];
  private readonly parseSources: ((uri: string) => ParsedDocument | undefined)[] = [];

  constructor(
    readonly textDocuments: TextDocuments<TextDocument>,
    private matcher: FileMatcher,
    readonly log: (message: string) => void,
  ) {}

  /** New settings: re-decide which open documents are policy files. */
  setMatcher(matcher: FileMatcher): void {
    this.matcher = matcher;
    for (const e of this.entries.values()) {
      e.policy = false;
      e.sniffed = undefined;
      e.cached = undefined;
    }
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  private entry(uri: string): Entry {
    let e = this.entries.get(uri);
    if (!e) {
      e = { policy: false, costMs: 0, generation: 0 };
      this.entries.set(uri, e);
    }
    return e;
  }

  /**
   * Whether an open document is a policy file. A `policyLens.dialects` glob forces it; otherwise
   * its content decides (core `classify`: a dialect comment, a `$schema` of ours, or the keys of a
   * format), wherever it is. The `policyLens.files` globs only add the files whose content cannot
   * tell: empty (a policy being written, offered the skeleton), not parsing, or not a mapping; they
   * get their findings. A readable mapping with no format's keys is foreign wherever it is: a
   * Kyverno manifest under policies/ gets no diagnostics.
   */
  isPolicy(td: TextDocument): boolean {
    // A policy test file often sits next to the policies it tests, under the same globs.
    if (POLICY_TEST.test(td.uri)) return false;
    const e = this.entry(td.uri);
    if (this.matcher.excluded(td.uri)) return false;
    if (e.policy) return true;
    if (this.matcher.dialectFor(td.uri)) return (e.policy = true);
    const ours = isPolicyLanguage(td.languageId);
    if (!isYamlOrJsonName(td.uri) && !ours && !/^(yaml|json|jsonc)$/.test(td.languageId)) return false;
    if (e.sniffed?.version === td.version) return e.sniffed.result;
    const text = td.getText();
    const fileName = fileNameOf(td);
    let result = false;
    let parse: ParsedDocument | undefined;
    let kind: ReturnType<typeof classify>;
    // A blank file whose name says what it is (callguard.yaml, the SDK's own file) is that.
    if (isBlank(text)) kind = recognize(undefined, text, fileName) ? 'content' : 'unsure';
    else if (text.length > MAX_SNIFF_LENGTH)
      kind = recognize(undefined, text, fileName) ? 'content' : 'unsure';
    else {
      parse = new ParsedDocument(text, languageOf(fileName));
      kind = classify(parse.value, text, fileName);
    }
    // Our language id (a `*.policy.yaml` name, a `files.associations` entry) says what the path
    // globs say: a file whose content cannot tell yet is a policy being written.
    if (kind === 'unsure') result = ours || this.matcher.isPolicyPath(td.uri);
    else if (kind) {
      // Recognised by its content: it stays a policy while it is open, even when an edit leaves it
      // momentarily unrecognisable (all keys deleted before pasting new ones).
      result = e.policy = true;
    }
    e.sniffed = { version: td.version, result, parse };
    return result;
  }

  /** Whether a document is known to be a policy file without sniffing its content (cheap). */
  isPolicyKnown(uri: string): boolean {
    return !!this.entries.get(uri)?.policy || !!this.matcher.dialectFor(uri);
  }

  /** The open policy document at its current version, or undefined (not open, or not a policy). */
  get(uri: string): PolicyDocument | undefined {
    const td = this.textDocuments.get(uri);
    if (!td || !this.isPolicy(td)) return undefined;
    const e = this.entry(uri);
    if (e.cached?.version !== td.version || e.cached.textDocument !== td)
      e.cached = new CachedDocument(td, fileNameOf(td), this.matcher.dialectFor(uri), this, e);
    return e.cached;
  }

  /** Every open policy document. */
  all(): PolicyDocument[] {
    const out: PolicyDocument[] = [];
    for (const td of this.textDocuments.all()) {
      const d = this.get(td.uri);
      if (d) out.push(d);
    }
    return out;
  }

  /** The recent analysis time of a document in ms (0 when unknown). */
  costOf(uri: string): number {
    return this.entries.get(uri)?.costMs ?? 0;
  }

  /** Drops the cached provider findings of a document, so the next `findings()` asks again. */
  invalidateFindings(uri: string): void {
    this.entry(uri).generation++;
  }

  /** The engine's analysis of a file that is not open (not cached). */
  analyzeText(uri: string, text: string): Analysis {
    return analyze(text, { fileName: pathOf(uri), dialect: this.dialectFor(uri) });
  }

  /** The dialect a `policyLens.dialects` glob, or else the project's config, forces on a URI. */
  dialectFor(uri: string): string | undefined {
    return this.matcher.dialectFor(uri);
  }

  /** Whether the project's config keeps a URI out of the policy files. */
  isExcluded(uri: string): boolean {
    return this.matcher.excluded(uri);
  }

  rulesFor(uri: string): RuleSettings {
    return this.matcher.rulesFor(uri);
  }

  /**
   * Lets a feature that indexes closed files provide their line tables (for ranges of related
   * info). A table, not the text: a table made anew at each question was a scan of the whole file
   * for every link into it, at every publication, and defeated the cache of converted links.
   */
  addLinesSource(source: (uri: string) => LineIndex | undefined): void {
    this.linesSources.push(source);
  }

  /**
   * Lets a feature that parses files on disk offer its parse of a URI: a document opened with the
   * same text is then analysed without parsing it again (`analyze` checks that the text matches).
   */
  addParseSource(source: (uri: string) => ParsedDocument | undefined): void {
    this.parseSources.push(source);
  }

  /** A parse of a URI's file that a feature already holds (maybe of another text), if any. */
  parseOf(uri: string): ParsedDocument | undefined {
    const sniffed = this.entries.get(uri)?.sniffed?.parse;
    if (sniffed) return sniffed;
    for (const source of this.parseSources) {
      const parsed = source(uri);
      if (parsed) return parsed;
    }
    return undefined;
  }

  /** Line tables of a URI: an open document's, or a registered text source's. */
  linesOf(uri: string): LineIndex | undefined {
    const open = this.get(uri);
    if (open) return open.lines;
    const td = this.textDocuments.get(uri);
    if (td) return new LineIndex(td.getText());
    for (const source of this.linesSources) {
      const lines = source(uri);
      if (lines) return lines;
    }
    return undefined;
  }
}

/** `policylens-yaml` or `policylens-json`: the editor already calls the file a policy. */
function isPolicyLanguage(languageId: string): boolean {
  return languageId === POLICY_YAML || languageId === POLICY_JSON;
}

/** The name the engine sees: the URI's path, with `.json` added for JSON documents without one. */
function fileNameOf(td: TextDocument): string {
  return engineFileName(pathOf(td.uri), td.languageId);
}
