/**
 * The editor's export (protocol/export.ts): what `policylens export` would write into a folder of the
 * workspace, computed by core/export as the CLI computes it (the same selection, file names, texts,
 * warnings and read-back verdicts), against a fresh read of the org, as the CLI reads it, and the
 * workspace's bundles, which the Sync view's "Live only" group is made of. Nothing is written here:
 * the client creates the files, never over one that exists (docs/decisions/extension.md, "Export").
 */
import { URI, Utils } from 'vscode-uri';
import {
  applyRuleSettings,
  desiredFromAnalysis,
  exportFiles,
  exportWarnings,
  invalidBundleLine,
  invalidBundlesSentence,
  invalidWrittenWarning,
  readBackVerdicts,
  selectExports,
  type ReadOutcome,
} from '../../core/index';
import type { ExportLiveOnlyParams, ExportLiveOnlyResult } from '../../protocol/index';
import type { ServerContext } from '../context';
import type { LiveSession } from '../sync/liveSession';
import { folderPath } from '../settings';
import { computePlan, displayFile } from '../sync/workspacePlan';
import { scannedFolder, workspaceFolderOf } from './folders';

const NOTHING = { files: [], notExported: [], warnings: [], declared: 0 };

/** Why the editor's scan would not read a file (it says which files it reads, not why it skips one). */
const SKIPPED =
  'the editor reads no bundle there: a hidden folder, node_modules, the include or exclude of policylens.config.yaml, or .gitignore';

export async function exportLiveOnly(
  ctx: ServerContext,
  session: LiveSession,
  params: ExportLiveOnlyParams | null,
): Promise<ExportLiveOnlyResult> {
  const format = params?.format === 'json' ? 'json' : 'yaml';
  const given = typeof params?.folder === 'string' ? params.folder.replace(/\/+$/, '') : '';
  const refused = (message: string, more: Partial<ExportLiveOnlyResult> = {}): ExportLiveOnlyResult => ({
    state: 'refused',
    message,
    ...NOTHING,
    ...more,
  });
  if (!given) return refused('No folder to write into was given.');
  if (!workspaceFolderOf(ctx, given))
    return refused(
      `${displayFile(ctx, given)} is not in a workspace folder: the editor plans only the workspace's bundles, so one written there would never be found in sync.`,
    );
  const isFolder = await ctx.runtime.fs.isFolder?.(given);
  // The files go where the scan reads them. Through a symbolic link out of the workspace, they were
  // read once (the client announces them), dropped by the next scan, and exported again (`-2`).
  const folder = isFolder ? await scannedFolder(ctx, given) : given;
  if (folder === undefined)
    return refused(
      `${displayFile(ctx, given)} is a symbolic link (or lies under one) to a folder outside the workspace folders: the editor's scan of the workspace follows no link, so a bundle written there would not be found in sync.`,
    );
  const shown = displayFile(ctx, folder);
  const entries = isFolder ? await ctx.runtime.fs.entryNames?.(folder) : undefined;
  // The CLI's words for a folder that is a file; the editor never creates the folder.
  if (!entries) return refused(`${shown} is not a folder: export writes one file per policy into a folder`);

  // A partial index cannot tell which policies no bundle declares: one it takes for live-only may be
  // declared in a file the scan did not read, and a second bundle of it would be written.
  await ctx.chain.scanner.ready();
  if (ctx.chain.index.partial) return refused(partialScan(ctx, folder));

  // A fresh read, as the CLI makes: the texts are what the org holds now, not at the last refresh.
  const snapshot = await session.refresh();
  if (snapshot.state !== 'ok')
    return {
      state: snapshot.state,
      ...(snapshot.message ? { message: snapshot.message } : {}),
      ...(snapshot.org ? { org: snapshot.org } : {}),
      ...NOTHING,
    };
  const org = snapshot.org ? { org: snapshot.org } : {};
  const computed = await computePlan(ctx, snapshot);
  if (computed.invalid.size)
    return refused(invalidBundlesSentence(computed.invalid.size), {
      ...org,
      details: [...computed.invalid].map(([uri, i]) =>
        invalidBundleLine(displayFile(ctx, uri), i.firstError),
      ),
    });

  const desired = [...computed.desired.values()];
  const selection = selectExports(desired, snapshot.policies);
  const planned = exportFiles(selection.bundles, entries, format).map((f) => {
    const uri = Utils.joinPath(URI.parse(folder), f.fileName).toString();
    return { ...f, uri, file: displayFile(ctx, uri) };
  });
  const scanned = await ctx.chain.scanner.scanned(planned.map((f) => f.uri));
  // Read back as `policylens export` reads it, and as the plan reads the file once it is written and
  // closed (workspacePlan.ts), under the project's settings: a folder the config's `dialects` gives
  // another dialect gets no bundle (neither sync would read one there, and each export wrote it again).
  const reads = planned.map((f) => ({
    name: f.name,
    file: f.file,
    read: scanned.has(f.uri)
      ? readBack(ctx, f.uri, f.text, f.file)
      : ({ kind: 'walk-skips', why: SKIPPED } as ReadOutcome),
  }));
  const verdicts = readBackVerdicts(reads, desired, snapshot.policies);

  const out: ExportLiveOnlyResult = { state: 'ok', ...org, folder: shown, ...NOTHING, files: [] };
  out.notExported = [];
  out.warnings = [];
  out.declared = selection.declared;
  selection.bundles.forEach((b, i) => {
    const [verdict, f] = [verdicts[i]!, planned[i]!];
    // As the CLI: a policy not exported says only why not; its warnings come with the file.
    if (verdict.kind === 'unwritten') {
      out.notExported.push({ name: b.name, reason: verdict.why });
      return;
    }
    out.warnings.push(...exportWarnings(b));
    if (verdict.kind === 'invalid') out.warnings.push(invalidWrittenWarning(f.file, verdict.why));
    out.files.push({ name: f.name, uri: f.uri, file: f.file, text: f.text });
  });
  for (const s of selection.skipped) out.notExported.push({ name: s.name, reason: s.reason });
  return out;
}

/** Why a workspace the scan read only in part is not exported from the editor. */
function partialScan(ctx: ServerContext, folder: string): string {
  const limit = ctx.chain.scanner.limit.toLocaleString('en-US');
  const isRoot = ctx.workspaceFolders().some((f) => folderPath(f) === folderPath(folder));
  const dir = isRoot ? '.' : displayFile(ctx, folder);
  return [
    `the editor read only the first ${limit} YAML/JSON files of this workspace (its scan stops there),`,
    'so a policy it takes for live-only may be declared in a file it did not read, and its bundle would',
    `be written twice. Run \`policylens export ${dir}\` from the workspace folder (the CLI reads every`,
    'file), or narrow the scan with include/exclude in policylens.config.yaml.',
  ].join(' ');
}

/** A planned file's outcome for sync: its analysis with the dialect and rules the config gives it. */
function readBack(ctx: ServerContext, uri: string, text: string, file: string): ReadOutcome {
  const analysis = ctx.documents.analyzeText(uri, text);
  analysis.findings = applyRuleSettings(analysis.findings, ctx.documents.rulesFor(uri));
  return desiredFromAnalysis(analysis, file, uri);
}
