// The editor scenarios, each written once against the LSP driver and run unchanged against every
// server. A scenario starts its own server process, so one run cannot warm the next, and returns
// raw samples; summaries and ratios are made later, in one place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceManifest } from './corpus';
import { PROBE_PATH } from './corpus';
import { EditableDoc, freshFor, isError, spreadLines } from './edits';
import { LspClient, uriOf, type ServerSpec } from './lsp-driver';

export interface Samples {
  /** Wall-clock milliseconds, one per measured operation. */
  wall: number[];
  /** Server CPU milliseconds, per operation where it could be attributed. */
  cpu: number[];
  /** Peak RSS of the server in MB, one per run. */
  rss: number[];
  /** Facts checked along the way (e.g. how many files got errors), for the results file. */
  facts: Record<string, number | string>;
}

/** A scenario that did not finish in its time budget: reported in the table, not fatal to the run. */
export class ScenarioTimeout extends Error {}

const empty = (): Samples => ({ wall: [], cpu: [], rss: [], facts: {} });
const now = () => performance.now();

async function withServer<T>(spec: ServerSpec, root: string, body: (c: LspClient) => Promise<T>): Promise<T> {
  const c = await LspClient.start(spec, root);
  try {
    return await body(c);
  } finally {
    await c.stop();
  }
}

/**
 * Open one small file → its diagnostics. The first open after start-up is recorded as a fact
 * (cold: schemas compile lazily in some servers); the samples are the following opens of other
 * small files, each waited for before the next.
 */
export async function openSmall(spec: ServerSpec, check: WorkspaceManifest, opens: number): Promise<Samples> {
  const out = empty();
  await withServer(spec, check.root, async (c) => {
    await c.waitIdle();
    const files = check.files.slice(0, opens + 1);
    for (const [i, f] of files.entries()) {
      const path = join(check.root, f.path);
      const text = readFileSync(path, 'utf8');
      const mark = c.mark();
      const t = now();
      const uri = c.open(path, text);
      // A planted error must be reported; anything else may legitimately be empty.
      await c.waitForDiagnostics(uri, mark, (ds) => !f.error || ds.some(isError));
      if (i === 0) out.facts.coldOpenMs = Math.round(now() - t);
      else out.wall.push(now() - t);
    }
  });
  return out;
}

/**
 * `count` edits of one long bundle, each waited for until fresh diagnostics arrive. Wall time is
 * per edit; server CPU is the total over all edits (until the server is idle again) ÷ count,
 * because a per-edit reading at 10 ms clock-tick resolution would round most edits to zero.
 */
export async function editBigBundle(
  spec: ServerSpec,
  big: WorkspaceManifest,
  count: number,
): Promise<Samples> {
  const out = empty();
  const file = big.files[0]!;
  const path = join(big.root, file.path);
  const doc = new EditableDoc(readFileSync(path, 'utf8'));
  const [first, last] = big.patternLines!;
  await withServer(spec, big.root, async (c) => {
    const uri = c.open(path, doc.text());
    await c.waitForDiagnostics(uri, -1);
    // A bundle among thousands: indexing them is not charged to the edits.
    await c.waitIdle(undefined, 300_000);
    const cpu0 = c.cpuMs();
    for (const line of spreadLines(first, last, count)) {
      const previous = doc.brokenLine;
      const changes = doc.breakLine(line);
      const mark = c.mark();
      const t = now();
      c.change(uri, changes, () => doc.text());
      await c.waitForDiagnostics(uri, mark, freshFor(line, previous));
      out.wall.push(now() - t);
    }
    await c.waitIdle(undefined, 30_000);
    const perEdit = (c.cpuMs() - cpu0) / count;
    out.cpu.push(perEdit);
    out.rss.push(c.peakRssKb() / 1024);
  });
  return out;
}

/** The document completion and hover run on: the cursor sits after `enforcementMode: `. */
export const COMPLETION_DOC = [
  'name: Completion probe',
  'policyType: tool_call',
  'enforcementMode: ',
  'ruleDefinition:',
  '  tools:',
  '    - search',
  '',
].join('\n');
const COMPLETION_AT = { line: 2, character: 17 };
const HOVER_AT = { line: 1, character: 3 };

type CompletionResult = { items?: { label: string }[] } | { label: string }[] | null;
const labels = (r: CompletionResult): string[] =>
  (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label.replace(/^"|"$/g, ''));

/** Completion and hover latency, `count` requests each, after one warm-up request of each kind. */
export async function completionHover(
  spec: ServerSpec,
  root: string,
  count: number,
): Promise<{ completion: Samples; hover: Samples }> {
  const completion = empty();
  const hover = empty();
  await withServer(spec, root, async (c) => {
    const path = join(root, 'policies/completion-probe.yaml');
    const uri = uriOf(path);
    const mark = c.mark();
    c.open(path, COMPLETION_DOC);
    await c.waitForDiagnostics(uri, mark);
    await c.waitIdle();
    const at = (position: typeof COMPLETION_AT) => ({ textDocument: { uri }, position });
    const first = (await c.request('textDocument/completion', at(COMPLETION_AT))) as CompletionResult;
    completion.facts.offersBlock = labels(first).includes('block')
      ? 'yes'
      : `no (${labels(first).slice(0, 5)})`;
    const h = (await c.request('textDocument/hover', at(HOVER_AT))) as { contents?: unknown } | null;
    hover.facts.answers = h?.contents ? 'yes' : 'no';
    for (let i = 0; i < count; i++) {
      let t = now();
      await c.request('textDocument/completion', at(COMPLETION_AT));
      completion.wall.push(now() - t);
      t = now();
      await c.request('textDocument/hover', at(HOVER_AT));
      hover.wall.push(now() - t);
    }
  });
  return { completion, hover };
}

/**
 * Completion latency while the workspace is being indexed (issue 14: ≤ 2 × the idle p95, ≤ 1 × the
 * peer's): the probe is opened right after the handshake, which starts Policy Lens's scan of the
 * folder, and `count` completions are sent one after another as soon as its diagnostics arrive,
 * without waiting for the server to go quiet. `facts.busyAfter` says whether the server was still
 * using CPU after the last answer (the requests really overlapped the indexing).
 */
export async function completionWhileIndexing(
  spec: ServerSpec,
  root: string,
  count: number,
): Promise<Samples> {
  const out = empty();
  await withServer(spec, root, async (c) => {
    const path = join(root, 'policies/completion-probe.yaml');
    const uri = uriOf(path);
    const mark = c.mark();
    c.open(path, COMPLETION_DOC);
    await c.waitForDiagnostics(uri, mark);
    const at = { textDocument: { uri }, position: COMPLETION_AT };
    for (let i = 0; i < count; i++) {
      const t = now();
      await c.request('textDocument/completion', at);
      out.wall.push(now() - t);
    }
    out.facts.busyAfter = (await c.waitIdle(200, 50)) ? 'no' : 'yes';
  });
  return out;
}

/**
 * Open every file of a workspace right after the handshake (an editor restoring a session) and
 * wait until each has diagnostics — for a file with a planted error, diagnostics that contain an
 * error. CPU and peak RSS are the server's totals at that moment, start-up included, so work a
 * server does ahead of time (indexing) is counted, not hidden.
 */
export async function openAll(
  spec: ServerSpec,
  ws: WorkspaceManifest,
  timeoutMs = 600_000,
): Promise<Samples> {
  const out = empty();
  const c = await LspClient.start(spec, ws.root);
  try {
    const mark = c.mark();
    const t = now();
    const waits: Promise<unknown>[] = [];
    let done = 0;
    for (const f of ws.files) {
      const path = join(ws.root, f.path);
      const uri = c.open(path, readFileSync(path, 'utf8'));
      // "All diagnostics" includes the cross-file ones: a server that does chain analysis is not
      // done with a bundle on a cycle until it has reported the cycle.
      const mustErr = !!f.error || (!!spec.crossFile && !!f.inCycle);
      const wait = c.waitForDiagnostics(uri, mark, (ds) => !mustErr || ds.some(isError), timeoutMs);
      waits.push(wait.then(() => done++));
    }
    // One deadline for the whole workspace; the message says how far the server got by then.
    await Promise.all(waits).catch(() => {
      throw new ScenarioTimeout(
        `timed out after ${Math.round(timeoutMs / 1000)} s with ${done}/${ws.files.length} files diagnosed ` +
          `(server CPU ${Math.round(c.cpuMs() / 1000)} s, peak RSS ${Math.round(c.peakRssKb() / 1024)} MB)`,
      );
    });
    out.wall.push(now() - t);
    out.cpu.push(c.cpuMs());
    out.rss.push(c.peakRssKb() / 1024);
    // What each server found: the peer must flag every planted error; Policy Lens also the cycles.
    const withErrors = ws.files.filter((f) =>
      c.diagnostics.get(uriOf(join(ws.root, f.path)))?.items.some(isError),
    );
    out.facts.filesWithErrors = withErrors.length;
    out.facts.plantedErrorsFlagged = withErrors.filter((f) => f.error).length;
    out.facts.cycleFilesFlagged = withErrors.filter((f) => f.inCycle).length;
  } finally {
    await c.stop();
  }
  return out;
}

/**
 * The same `count` edits of the probe bundle in a workspace of any size: the workspace folder is
 * the server's root, only the probe is open. Waits until the server is idle before the first edit,
 * so indexing the workspace is not charged to the edits.
 */
export async function editInWorkspace(
  spec: ServerSpec,
  ws: WorkspaceManifest,
  count: number,
): Promise<Samples> {
  const out = empty();
  const path = join(ws.root, PROBE_PATH);
  const doc = new EditableDoc(readFileSync(path, 'utf8'));
  const items = doc.lines.flatMap((l, i) => (/^\s+- /.test(l) ? [i] : []));
  await withServer(spec, ws.root, async (c) => {
    const uri = c.open(path, doc.text());
    await c.waitForDiagnostics(uri, -1);
    await c.waitIdle(undefined, 300_000);
    const cpu0 = c.cpuMs();
    for (let k = 0; k < count; k++) {
      const line = items[k % items.length]!;
      const previous = doc.brokenLine;
      const changes = doc.breakLine(line);
      const mark = c.mark();
      const t = now();
      c.change(uri, changes, () => doc.text());
      await c.waitForDiagnostics(uri, mark, freshFor(line, previous));
      out.wall.push(now() - t);
      // Cross-file work may trail the publish; it belongs to this edit, so wait for quiet first.
      await c.waitIdle(150, 30_000);
    }
    // Mean CPU per edit: one small edit is often below the 10 ms clock tick on its own.
    out.cpu.push((c.cpuMs() - cpu0) / count);
  });
  return out;
}
