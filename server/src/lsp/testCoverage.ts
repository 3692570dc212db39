import { CodeLensRefreshRequest, FileChangeType, type CodeLens } from 'vscode-languageserver';
import {
  languageOf,
  locate,
  ParsedDocument,
  readPolicyTest,
  runCase,
  type CompiledPolicies,
  type EvalResult,
} from '../core/index';
import { DISPLAY_ONLY_COMMAND } from '../protocol/index';
import type { CodeLensProvider, ServerContext } from './context';
import { toRange } from './convert';
import { hash, testFilesOnDisk, testPoliciesOf, withOpenTestFiles } from './testFiles';

type PolicyTestFile = NonNullable<ReturnType<typeof readPolicyTest>['file']>;

/** What one test file's cases say about each policy file they cover (by URI). */
type FileCoverage = Map<string, { cases: number; failing: number }>;

/** Coverage waits for a quiet editor first: it never delays the diagnostics of what is being typed. */
const QUIET_MS = 50;
const MAX_WAIT_MS = 1000;
/** A test or policy edit asks the client for fresh lenses once the burst is over. */
const REFRESH_DELAY_MS = 500;

/**
 * The policy files a case covers: those whose policy fired in one of its events, and those whose
 * names its expectations mention (`fired`, `notFired`, `skipped`): a case that only passes through
 * a policy does not test it.
 */
function coveredBy(
  results: readonly EvalResult[],
  compiled: CompiledPolicies,
  named: Set<string>,
): Set<string> {
  const sentinel = new Map(compiled.sentinel.map((p) => [p.name, p.source]));
  const uris = (source: string) => source.split(' + ').map((s) => sentinel.get(s) ?? s);
  const out = new Set<string>();
  for (const r of results)
    for (const t of r.trace)
      if (t.status === 'fired' || named.has(t.policy)) for (const u of uris(t.source)) out.add(u);
  return out;
}

function namesOf(file: PolicyTestFile, index: number): Set<string> {
  const c = file.cases[index];
  const out = new Set<string>();
  for (const e of [c.expect, ...c.steps.map((s) => s.expect)])
    for (const n of [...(e?.fired ?? []), ...(e?.notFired ?? []), ...(e?.skipped ?? [])]) out.add(n);
  return out;
}

/**
 * Which policy files the workspace's policy tests cover, and how many of those cases fail: every
 * `*.policytest.*` of the workspace run through the same evaluator as the Test Explorer. Each test
 * file's result is kept per version of the file and of the policies it loads, so a request after
 * an edit runs only the test files the edit concerns.
 */
export class TestCoverage {
  private readonly byFile = new Map<string, { key: string; coverage: FileCoverage }>();
  private refreshTimer: unknown;
  /**
   * The test files on disk, found by walking the workspace once until a file is created or deleted
   * (every lens request walked it: opening 4,000 policies one after the other cost 41 s of CPU).
   */
  private onDisk: Promise<string[]> | undefined;
  /** Moves with every change of a document or a file: coverage computed before it is stale. */
  private generation = 0;
  /** Every policy file's coverage, as computed for a generation (one computation at a time). */
  private totals: { generation: number; coverage: Promise<FileCoverage | undefined> } | undefined;

  constructor(private readonly ctx: ServerContext) {}

  private async testFiles(): Promise<string[]> {
    this.onDisk ??= testFilesOnDisk(this.ctx);
    return withOpenTestFiles(this.ctx, await this.onDisk);
  }

  private async ofFile(uri: string): Promise<FileCoverage> {
    const loader = testPoliciesOf(this.ctx);
    const text = await loader.textOf(uri);
    if (text === undefined) return new Map();
    const doc = new ParsedDocument(text, languageOf(uri));
    const { file } = doc.parseFindings.some((f) => f.severity === 'error')
      ? { file: undefined }
      : readPolicyTest(doc.value);
    if (!file) return new Map();
    const set = await loader.load(uri, file.policies ?? ['.'], !!file.policies);
    if (set.error) return new Map();
    const key = `${hash(text)} ${set.key}`;
    const cached = this.byFile.get(uri);
    if (cached?.key === key) return cached.coverage;
    const coverage: FileCoverage = new Map();
    file.cases.forEach((c, i) => {
      const out = runCase(set.compiled, c);
      for (const u of coveredBy(out.results, set.compiled, namesOf(file, i))) {
        const entry = coverage.get(u) ?? { cases: 0, failing: 0 };
        entry.cases++;
        if (!out.passed) entry.failing++;
        coverage.set(u, entry);
      }
    });
    this.byFile.set(uri, { key, coverage });
    return coverage;
  }

  /** The coverage of one policy file, or undefined when the workspace has no policy tests at all. */
  async of(policyUri: string): Promise<{ cases: number; failing: number } | undefined> {
    await this.ctx.diagnostics.whenQuiet(QUIET_MS, MAX_WAIT_MS);
    if (this.totals?.generation !== this.generation)
      this.totals = { generation: this.generation, coverage: this.computeTotals() };
    const coverage = await this.totals.coverage;
    return coverage && (coverage.get(policyUri) ?? { cases: 0, failing: 0 });
  }

  /** Every policy file's coverage by every test file of the workspace, summed. */
  private async computeTotals(): Promise<FileCoverage | undefined> {
    const files = await this.testFiles();
    if (!files.length) return undefined;
    const totals: FileCoverage = new Map();
    for (const f of files) {
      await this.ctx.runtime.yieldToEvents?.();
      for (const [uri, c] of await this.ofFile(f)) {
        const total = totals.get(uri) ?? { cases: 0, failing: 0 };
        total.cases += c.cases;
        total.failing += c.failing;
        totals.set(uri, total);
      }
    }
    return totals;
  }

  /** A file was created or deleted: the test files are looked for again. */
  filesCreatedOrDeleted(): void {
    this.onDisk = undefined;
  }

  /** A test or policy changed: the lenses of other documents may be stale. */
  changed(): void {
    this.generation++;
    if (!this.ctx.clientCapabilities().workspace?.codeLens?.refreshSupport) return;
    if (this.refreshTimer !== undefined) this.ctx.runtime.clearTimeout(this.refreshTimer);
    this.refreshTimer = this.ctx.runtime.setTimeout(() => {
      this.refreshTimer = undefined;
      this.ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, REFRESH_DELAY_MS);
  }
}

/** The lens title: `covered by 4 tests · 1 failing`, or that no test covers the policy. */
export function coverageTitle(c: { cases: number; failing: number }): string {
  if (!c.cases) return 'no policy test covers this policy';
  const tests = `covered by ${c.cases} test${c.cases === 1 ? '' : 's'}`;
  return c.failing ? `${tests} · ${c.failing} failing` : tests;
}

/**
 * The coverage lens on a policy's name (see docs/decisions/evaluator.md for why a lens and not a
 * hover): shown once the workspace has a policy test file.
 */
export function coverageLensProvider(coverage: TestCoverage): CodeLensProvider {
  return {
    id: 'tests',
    async provide(doc): Promise<CodeLens[]> {
      const root = doc.analysis.doc?.root ?? null;
      if (!['execlave', 'preloop', 'agentsentinel', 'callguard'].includes(doc.analysis.dialect.id) || !root)
        return [];
      const c = await coverage.of(doc.uri);
      if (!c) return [];
      const name = [['name'], ['metadata', 'name']]
        .map((p) => locate(root, p))
        .find((l, i) => l.depth === (i === 0 ? 1 : 2) && l.node)?.node;
      const span = name ? { start: name.offset, end: name.end } : { start: 0, end: 0 };
      return [
        {
          range: toRange(doc.lines, span),
          command: { title: coverageTitle(c), command: DISPLAY_ONLY_COMMAND },
        },
      ];
    },
  };
}

/** Registers the lens, and refreshes lenses when a test file or a policy changes. */
export function registerCoverage(ctx: ServerContext): void {
  const coverage = new TestCoverage(ctx);
  ctx.codeLens.register(coverageLensProvider(coverage));
  ctx.documents.textDocuments.onDidChangeContent(() => coverage.changed());
  // A closed buffer gives way to the file on disk.
  ctx.documents.textDocuments.onDidClose(() => coverage.changed());
  ctx.files.onDidChange((changes) => {
    if (changes.some((c) => c.type !== FileChangeType.Changed)) coverage.filesCreatedOrDeleted();
    coverage.changed();
  });
}
