/**
 * The impact of each pending sync change on recorded traffic (`policyLens.replay.events`, or the
 * config's `replay.events`), for the sync CodeLens, the Sync view and "Show affected events".
 *
 * Pull-based: whoever shows a plan asks `forPlan` for its steps' impacts. What is cached (by the
 * events files' generation, the live snapshot and the step's own content) is answered at once;
 * what is missing is answered `computing` and replayed in the background, debounced, on a worker
 * thread, one job at a time. A newer set of missing steps (an edit, a new snapshot) cancels the job
 * under way; a change of the events files (setting, config, the file on disk) drops everything.
 * When a job ends, `changed` asks the lenses and views to ask again.
 */
import type { FileEvent } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import { canonicalJson, sha256Hex, type PlanStep, type ReplayReport } from '../../core/index';
import type { PlanImpact } from '../../protocol/index';
import type { ServerContext } from '../context';
import type { Snapshot } from '../sync/liveSession';
import { displayFile, type ComputedPlan } from '../sync/workspacePlan';
import { linesOf, VariantReplay, type ImpactJob, type ImpactRun } from './job';
import { baselineOf, pendingSteps, stepKey, variantOf } from './sides';

/** A burst of edits (or of lens requests with new content) starts one replay, after it. */
export const IMPACT_DEBOUNCE_MS = 400;
/** Examples kept per decision change: what "Show affected events" lists. */
export const IMPACT_EXAMPLES = 50;
/** Lines the in-thread replay runs between two yields to the server's messages. */
const SLICE = 200;

export interface StepImpact {
  impact: PlanImpact;
  report?: ReplayReport;
}

/**
 * The live org's content, hashed once per snapshot: a periodic re-read that finds the org unchanged
 * keeps every cached impact (keying on the snapshot's stamp would replay all of them every time).
 */
const liveKeys = new WeakMap<Snapshot, string>();
function liveKey(snapshot: Snapshot): string {
  let k = liveKeys.get(snapshot);
  if (k === undefined) liveKeys.set(snapshot, (k = sha256Hex(canonicalJson(snapshot.policies))));
  return k;
}

interface Cached {
  report?: ReplayReport;
  error?: string;
}

export class PlanImpacts {
  /** Bumped whenever the events change: cached results of an older generation are dropped. */
  private generation = 0;
  private readonly cache = new Map<string, Cached>();
  /** The keys the latest plan asked for (the cache keeps only these). */
  private wanted = new Set<string>();
  private running: { jobKey: string; abort: AbortController } | undefined;
  private timer: { jobKey: string; handle: unknown } | undefined;
  private filesKey = '[]';
  /** The events files' URIs as `configure` last read them: their file events are followed. */
  private fileUris = new Set<string>();
  private readonly watchers = new Map<string, { close(): void }>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly changed: () => void,
  ) {
    ctx.settings.onDidChange(() => this.configure());
    ctx.project.onDidChange(() => this.configure());
    // An events file may have any name (`.jsonl`, `.jsonl.gz`): its events are asked for.
    ctx.files.follow((uri) => this.fileUris.has(uri));
    ctx.files.onDidChange((changes: FileEvent[]) => {
      const uris = new Set(this.files()?.map((f) => f.uri));
      if (changes.some((c) => uris.has(c.uri))) this.invalidate();
    });
  }

  /** The events files (URI and display path), or undefined when none is set or trust is withheld. */
  files(): { uri: string; display: string }[] | undefined {
    if (!this.ctx.trusted()) return undefined;
    const setting = this.ctx.settings.current().replayEvents;
    const folder = this.ctx.workspaceFolders()[0];
    const uris = setting?.length
      ? setting.map((p) =>
          /^([a-zA-Z]:)?[\\/]/.test(p) || !folder
            ? URI.file(p).toString()
            : Utils.resolvePath(URI.parse(folder), p).toString(),
        )
      : this.ctx.project.replayEvents();
    if (!uris?.length) return undefined;
    return uris.map((uri) => ({ uri, display: displayFile(this.ctx, uri) }));
  }

  /** Settings or config read again: a different list of files starts over. */
  private configure(): void {
    const files = this.files();
    const key = JSON.stringify(files?.map((f) => f.uri) ?? []);
    if (key === this.filesKey) return;
    this.filesKey = key;
    this.fileUris = new Set(files?.map((f) => f.uri));
    this.watch(files ?? []);
    this.invalidate();
  }

  /** The events changed: every result is stale, the job under way too. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.cancel();
    this.changed();
  }

  private cancel(): void {
    this.running?.abort.abort();
    this.running = undefined;
    if (this.timer) this.ctx.runtime.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** Watches the folders of the events files, so that a file rewritten on disk is replayed again. */
  private watch(files: { uri: string }[]): void {
    const folders = new Set(files.map((f) => Utils.dirname(URI.parse(f.uri)).toString()));
    for (const [folder, w] of this.watchers)
      if (!folders.has(folder)) {
        w.close();
        this.watchers.delete(folder);
      }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      const w = this.ctx.runtime.fs.watchFolder?.(folder, (uri) => {
        if (this.files()?.some((f) => f.uri === uri)) this.invalidate();
      });
      if (w) this.watchers.set(folder, w);
    }
  }

  /**
   * The impact of every pending step of a plan, by step name; undefined when no events are set or
   * there is no plan. Steps not replayed yet are `computing`, and a replay of them is scheduled.
   */
  forPlan(computed: ComputedPlan): Map<string, StepImpact> | undefined {
    const files = this.files();
    if (!files || !computed.plan) return undefined;
    const out = new Map<string, StepImpact>();
    const missing: { key: string; step: PlanStep }[] = [];
    this.wanted = new Set();
    for (const step of pendingSteps(computed)) {
      const key = `${this.generation}|${liveKey(computed.snapshot)}|${stepKey(computed, step)}`;
      this.wanted.add(key);
      const hit = this.cache.get(key);
      if (hit) out.set(step.name, summarise(hit, files));
      else {
        out.set(step.name, { impact: { state: 'computing' } });
        missing.push({ key, step });
      }
    }
    if (missing.length) this.schedule(computed, files, missing);
    return out;
  }

  private schedule(
    computed: ComputedPlan,
    files: { uri: string; display: string }[],
    missing: { key: string; step: PlanStep }[],
  ): void {
    const jobKey = missing.map((m) => m.key).join('\n');
    if (this.running?.jobKey === jobKey || this.timer?.jobKey === jobKey) return;
    this.cancel();
    const job: ImpactJob = {
      files,
      baseline: baselineOf(computed.snapshot.policies),
      variants: missing.map((m, i) => ({ id: `v${i}`, sources: variantOf(computed, m.step) })),
      examples: IMPACT_EXAMPLES,
    };
    const handle = this.ctx.runtime.setTimeout(() => {
      this.timer = undefined;
      void this.run(
        jobKey,
        job,
        missing.map((m) => m.key),
      );
    }, IMPACT_DEBOUNCE_MS);
    this.timer = { jobKey, handle };
  }

  private async run(jobKey: string, job: ImpactJob, keys: string[]): Promise<void> {
    const abort = new AbortController();
    this.running = { jobKey, abort };
    const generation = this.generation;
    const started = this.ctx.runtime.now();
    let run: ImpactRun & { cancelled?: true };
    try {
      // The replay waits for the documents' diagnostics, as other background work does.
      await this.ctx.diagnostics.whenQuiet(100, 2_000);
      if (abort.signal.aborted) return;
      this.ctx.log(
        `impact: replaying ${job.files.map((f) => f.display).join(', ')} for ${plural(job.variants.length, 'pending change')} on ${this.where()}`,
      );
      run = this.ctx.runtime.replayImpact
        ? await this.ctx.runtime.replayImpact(job, abort.signal)
        : await this.inThread(job, abort.signal);
    } catch (e) {
      run = { reports: {}, error: `the replay failed: ${(e as Error).message}` };
    }
    if (this.running?.abort === abort) this.running = undefined;
    if (run.cancelled || abort.signal.aborted || generation !== this.generation) {
      // An edit, a new snapshot or new events replaced it: what it would have said is stale.
      this.ctx.log(
        `impact: replay cancelled after ${Math.round(this.ctx.runtime.now() - started)} ms (its inputs changed)`,
      );
      return;
    }
    this.report(job, run, this.ctx.runtime.now() - started);
    for (const key of [...this.cache.keys()]) if (!this.wanted.has(key)) this.cache.delete(key);
    keys.forEach((key, i) => {
      const report = run.reports[`v${i}`];
      this.cache.set(key, run.error || !report ? { error: run.error ?? 'no result' } : { report });
    });
    this.changed();
  }

  /** The replay on the server's own thread, in slices (a runtime without worker threads). */
  private async inThread(job: ImpactJob, signal: AbortSignal): Promise<ImpactRun & { cancelled?: true }> {
    const replay = new VariantReplay(job);
    for (const f of job.files) {
      const text = await this.ctx.runtime.fs.readFile(f.uri);
      if (text === undefined) return { reports: {}, error: `cannot read ${f.display}` };
      let n = 0;
      for (const input of linesOf(text, f.display)) {
        replay.push(input);
        if (++n % SLICE === 0) {
          await this.ctx.runtime.yieldToEvents?.();
          if (signal.aborted) return { reports: {}, cancelled: true };
        }
      }
    }
    return { reports: replay.reports() };
  }

  private where(): string {
    return this.ctx.runtime.replayImpact ? 'a worker thread' : "the server's thread";
  }

  /** One line per run in the log, and the problems of the events (bad lines) or of the run. */
  private report(job: ImpactJob, run: ImpactRun, ms: number): void {
    const files = job.files.map((f) => f.display).join(', ');
    if (run.error) {
      this.ctx.log(`impact: ${run.error}`);
      return;
    }
    const any = Object.values(run.reports)[0];
    if (!any) return;
    this.ctx.log(
      `impact: replayed ${any.replayed} events of ${files} for ${plural(job.variants.length, 'pending change')} on ${this.where()} in ${Math.round(ms)} ms`,
    );
    const total = Object.values(any.findingCounts).reduce((a, b) => a + b, 0);
    if (!total) return;
    this.ctx.log(`impact: ${total} line${total === 1 ? '' : 's'} of ${files} replayed with findings:`);
    for (const f of any.findings.slice(0, 5))
      this.ctx.log(`  ${f.file ?? files}:${f.line}: ${f.message} [${f.code}]`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The protocol's summary of a cached result. */
function summarise(hit: Cached, files: { display: string }[]): StepImpact {
  if (hit.error || !hit.report) return { impact: { state: 'error', message: hit.error ?? 'no result' } };
  const r = hit.report;
  if (r.replayed === 0) {
    const names = files.map((f) => f.display).join(', ');
    const bad = Object.values(r.findingCounts).reduce((a, b) => a + b, 0);
    return {
      impact: {
        state: 'error',
        message: bad ? `no event in ${names} (${bad} bad line${bad === 1 ? '' : 's'})` : `${names} is empty`,
      },
      report: r,
    };
  }
  return {
    impact: {
      state: 'ok',
      events: r.replayed,
      changed: r.changed,
      newlyBlocked: r.newlyBlocked,
      newlyAllowed: r.newlyAllowed,
    },
    report: r,
  };
}
