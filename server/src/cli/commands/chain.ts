import { parseArgs } from 'node:util';
import {
  chainPolicyFromText,
  chainReport,
  tooLargeFinding,
  ChainIndex,
  evaluationOrder,
  idKey,
  LiveOrgError,
  looksLikeId,
  ordinal,
  printable,
  type ChainReport,
  type ReportEntry,
  type ReportLink,
} from '../../core/index';
import { HttpLiveOrg, resolveLiveConfig } from '../../live/index';
import { collectPolicyFiles, fromCwd, readPolicyText, UsageError, type CollectOptions } from '../files';
import { projectFor } from '../project';
import { painter } from '../report/color';
import { ITEMS, jsonChunks, toJson } from '../report/json';
import { coalesce } from '../report/types';
import { checkChoice } from '../usage';
import type { Command, CommandIO } from './types';

export const HELP = `Usage: policylens chain [path] [--id <name|id>] [--format text|json] [--live] [--url URL]
                        [--config FILE] [--no-ignore] [--force-exclude]

Shows the evaluation order of the policy bundles under path (default: the current directory):
prerequisites first, then evaluationOrder, then name. With --id, one policy's prerequisites and
the policies that depend on it. The ORDER column is each policy's evaluationOrder; the rows are
in evaluation order. Missing prerequisites are flagged.
A live policy id that a bundle carries as its own "id" (a raw export) names that bundle; other
ids are not checked offline. --live (or --url URL) reads the live org's policies
(POLICYLENS_API_URL / POLICYLENS_API_KEY, as sync) to resolve ids, and names no bundle declares.
The files are those lint reads: the nearest policylens.config.yaml (or --config FILE) and
.gitignore decide, unless --no-ignore; --force-exclude applies them to files named on the
command line too (as lint --force-exclude).
Exit status: 0 for a sound chain, 1 when it has a cycle, a missing prerequisite or two bundles
with the same name, when a file or folder under path cannot be read (or --id names no policy),
2 on a usage error, a path argument that cannot be read, or a path with no Execlave bundle.`;

type Paint = ReturnType<typeof painter>;

/**
 * Reads every bundle under the paths into an index keyed by the path the report prints: from the
 * current directory, as lint's JSON and finding lines give it (not from the argument). A file or
 * directory that cannot be read is told on stderr and counted in `unreadable`: a policy the chain
 * never saw could be a missing prerequisite or a cycle, so the command then fails. A file too large
 * to be a policy is left out with a note, as the editor leaves it out of its index.
 */
export function loadChain(
  paths: readonly string[],
  warn: (text: string) => void,
  collect: CollectOptions = {},
): { index: ChainIndex; unreadable: number } {
  const index = new ChainIndex();
  index.scope = 'among the files read';
  let unreadable = 0;
  for (const f of collectPolicyFiles(paths, collect)) {
    const path = fromCwd(f.path);
    let text: string;
    try {
      if (f.error !== undefined) throw new Error(f.error);
      const read = readPolicyText(f.path);
      if (read.kind === 'too-large') {
        warn(
          `policylens chain: ${printable(path)}: skipped: ${tooLargeFinding(read.bytes, 'disk').message}\n`,
        );
        continue;
      }
      text = read.text;
    } catch (e) {
      warn(`policylens chain: ${printable(path)}: unreadable: ${printable((e as Error).message)}\n`);
      unreadable++;
      continue;
    }
    // The dialect the config's `dialects` forces, as lint reads the file: a bundle lint reads as
    // another format is no link of the chain.
    const policy = chainPolicyFromText(path, text, f.settings.dialect);
    if (policy) index.set(policy);
  }
  return { index, unreadable };
}

/**
 * An entry as the JSON output shows it: the bundle's path is \`file\` (and a link's \`files\`), the
 * name every other command's JSON gives a path; the editor's protocol keeps \`uri\`.
 */
/**
 * How many files of a link and dependents of an entry the JSON lists: thousands of bundles sharing
 * a name that thousands of others name would otherwise write (entries × bundles) names, more than
 * a string can hold (`--id` lists every dependent of one policy).
 */
const MAX_LISTED = 100;

/** The first MAX_LISTED of `list` under `key`, and its length under `totalKey` when it is longer. */
function listed(key: string, totalKey: string, list: readonly string[]): object {
  return list.length > MAX_LISTED
    ? { [key]: list.slice(0, MAX_LISTED), [totalKey]: list.length }
    : { [key]: list };
}

function entryJson(e: ReportEntry): object {
  return {
    position: e.position,
    name: e.name,
    file: e.uri,
    ...(e.policyType !== undefined ? { policyType: e.policyType } : {}),
    chainTrigger: e.chainTrigger,
    evaluationOrder: e.evaluationOrder,
    isActive: e.isActive,
    inCycle: e.inCycle,
    prerequisites: e.prerequisites.map((l) => ({
      ref: l.ref,
      status: l.status,
      ...(l.name !== undefined ? { name: l.name } : {}),
      ...(l.uris ? listed('files', 'filesTotal', l.uris) : {}),
    })),
    ...listed('dependents', 'dependentsTotal', e.dependents),
  };
}

/** A link as the text report marks it: a plain marker that still reads without colour. */
function linkNote(l: ReportLink): string {
  switch (l.status) {
    case 'missing':
      return '✗ missing';
    case 'self':
      return '✗ names itself';
    case 'inactive':
      return '! inactive';
    case 'unresolved':
      return l.idOf ? `? the "id" of ${l.idOf.length} bundles` : '? unresolved live id';
    case 'live':
      return `live policy "${printable(l.name ?? '')}"`;
    default:
      return l.idOf ? '~ by its "id"' : '';
  }
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => visible(r[c]).length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - visible(cell).length + 2)))
      .join('')
      .trimEnd(),
  );
}

/** The text without colour codes, for column widths. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[\d+m/g, '');
}

/** Names, paths, types and references come from the files: each is escaped before it is printed. */
function displayName(e: ReportEntry): string {
  return printable(e.name || `(unnamed: ${e.uri})`);
}

const cycleText = (c: readonly string[]) => c.map(printable).join(' → ');

/** A few files of a list, the rest counted. */
const filesText = (files: readonly string[]) =>
  files.length > 3
    ? `${files.slice(0, 3).map(printable).join(', ')} and ${files.length - 3} more`
    : files.map(printable).join(', ');

/** The seed's §07 table: `ORDER  NAME  TYPE  TRIGGER  PREREQS`, then what is wrong with the chain. */
/** `scope` is where a missing prerequisite was looked for (`among the files read`, the index's). */
export function formatChain(report: ChainReport, paint: Paint, scope: string): string {
  const rows = [['ORDER', 'NAME', 'TYPE', 'TRIGGER', 'PREREQS']];
  for (const e of report.entries) {
    const missing = e.prerequisites.filter((l) => l.status === 'missing').map((l) => printable(l.ref));
    let prereqs = e.prerequisites.length ? String(e.prerequisites.length) : '—';
    if (missing.length) prereqs += ' ' + paint.red(`✗ missing: ${missing.join(', ')}`);
    if (e.inCycle) prereqs += ' ' + paint.red('✗ cycle');
    rows.push([
      String(e.evaluationOrder),
      displayName(e),
      printable(e.policyType ?? '—'),
      printable(e.chainTrigger),
      prereqs,
    ]);
  }
  const lines = table(rows);
  const problems: string[] = [];
  for (const c of report.cycles) problems.push(`${paint.red('✗')} cycle: ${cycleText(c)}`);
  for (const e of report.entries)
    for (const l of e.prerequisites) {
      if (l.status === 'missing')
        problems.push(
          `${paint.red('✗')} ${displayName(e)}: prerequisite "${printable(l.ref)}" is not a policy ${scope}`,
        );
      else if (l.status === 'inactive')
        problems.push(
          `${paint.yellow('!')} ${displayName(e)}: prerequisite "${printable(l.name ?? l.ref)}" is inactive`,
        );
      else if (l.status === 'unresolved' && l.idOf)
        problems.push(
          `? ${displayName(e)}: prerequisite "${printable(l.ref)}" is the "id" of ${l.idOf.length} bundles of different names (${filesText(l.idOf)}): not followed`,
        );
      else if (l.status === 'unresolved')
        problems.push(
          `? ${displayName(e)}: prerequisite "${printable(l.ref)}" is a live policy id (not checked offline)`,
        );
      if (l.name !== undefined && l.idOf)
        problems.push(
          `~ ${displayName(e)}: prerequisite "${printable(l.ref)}" is the "id" of ${printable(l.name)} (${filesText(l.idOf)}); lint --fix writes the name`,
        );
    }
  for (const n of report.duplicateNames)
    problems.push(`${paint.red('✗')} more than one bundle is named "${printable(n)}"`);
  if (problems.length) lines.push('', ...problems);
  return lines.join('\n') + '\n';
}

/** `--id`: one policy, its prerequisites and its dependents. */
export function formatOne(report: ChainReport, entry: ReportEntry, paint: Paint): string {
  const type = [entry.policyType, entry.chainTrigger, `evaluationOrder ${entry.evaluationOrder}`]
    .filter(Boolean)
    .map((t) => printable(String(t)))
    .join(' · ');
  const lines = [
    `${displayName(entry)}  ${paint.dim(printable(entry.uri))}`,
    `  evaluated ${ordinal(entry.position)} of ${report.entries.length} · ${type}${entry.inCycle ? ' · ' + paint.red('✗ on a cycle') : ''}`,
    '',
    `PREREQUISITES (${entry.prerequisites.length})`,
  ];
  const rows: string[][] = entry.prerequisites.map((l) => {
    const note = linkNote(l);
    const painted = l.status === 'missing' || l.status === 'self' ? paint.red(note) : note;
    return ['  ' + printable(l.ref), [l.uris?.map(printable).join(', '), painted].filter(Boolean).join('  ')];
  });
  lines.push(...(rows.length ? table(rows) : ['  —']));
  lines.push('', `DEPENDENTS (${entry.dependents.length})`);
  const byName = new Map(report.entries.map((e) => [e.name, e]));
  const deps = entry.dependents.map((d) => ['  ' + printable(d), printable(byName.get(d)?.uri ?? '')]);
  lines.push(...(deps.length ? table(deps) : ['  —']));
  for (const c of report.cycles)
    if (entry.inCycle && c.includes(entry.name)) lines.push('', `${paint.red('✗')} cycle: ${cycleText(c)}`);
  return lines.join('\n') + '\n';
}

/**
 * `--live`: lists the org's policies once and resolves ids (and names no bundle declares) through
 * them. An org that cannot be read leaves ids unresolved, as offline: a note, not a failure (false).
 */
async function connectLive(
  index: ChainIndex,
  url: string | undefined,
  configUrl: string | undefined,
  io: CommandIO,
): Promise<boolean> {
  try {
    const org = new HttpLiveOrg(resolveLiveConfig({ url, configUrl }, process.env));
    const policies = await org.listPolicies();
    const live = (p: (typeof policies)[number]) => ({ name: p.name, isActive: p.isActive !== false });
    const byId = new Map(policies.map((p) => [idKey(p.id), live(p)]));
    const byName = new Map(policies.map((p) => [p.name, live(p)]));
    index.setLiveResolvers(
      (id) => byId.get(id) ?? null,
      (name) => byName.get(name) ?? null,
    );
    return true;
  } catch (e) {
    if (!(e instanceof LiveOrgError)) throw e;
    io.err(`policylens chain: the live org could not be read (${e.message}); live ids stay unresolved\n`);
    return false;
  }
}

export const chain: Command = {
  name: 'chain',
  summary: 'show the evaluation order of the policies and their prerequisite links',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        format: { type: 'string', default: 'text' },
        live: { type: 'boolean', default: false },
        url: { type: 'string' },
        config: { type: 'string' },
        'no-ignore': { type: 'boolean' },
        'force-exclude': { type: 'boolean' },
      },
    });
    if (positionals.length > 1) throw new UsageError('chain takes one path');
    const format = checkChoice('format', values.format, ['text', 'json']);
    const paths = positionals.length ? positionals : ['.'];
    const { index, unreadable } = loadChain(paths, io.err, {
      ignore: !values['no-ignore'],
      forceExclude: values['force-exclude'],
      config: values.config,
    });
    // Nothing to order is a wrong path, as lint's "no policy file found" (exit 2): a CI step pointed
    // at the wrong folder must not pass with an empty table (the adoption field test).
    if (!index.size && !unreadable) {
      io.err(
        `policylens chain: no Execlave bundle found in ${printable(paths.join(', '))}\n` +
          'chain orders Execlave policy bundles (Preloop and Agent Sentinel files have no prerequisites);\n' +
          'lint says which files it reads as policies.\n',
      );
      return 2;
    }
    if (values.live || values.url !== undefined)
      if (
        await connectLive(index, values.url, projectFor(paths[0]!, values.config).config.config.live?.url, io)
      )
        // What is missing was looked for in the org too (a field test read "among the files read" as
        // if it had not been).
        index.scope = 'among the files read or in the live org';
    const report = chainReport(index, evaluationOrder(index));
    const paint = painter(process.stdout, io.color);
    const status = report.broken || unreadable ? 1 : 0;
    if (values.id === undefined) {
      // The JSON a chunk at a time, each entry made as it is printed: 10,000 entries that each list
      // up to 100 files were one string of tens of megabytes, on top of every entry's object.
      if (format === 'json')
        for (const chunk of coalesce(
          jsonChunks({ version: io.version, ...report, entries: ITEMS }, report.entries, (e) => [
            entryJson(e),
          ]),
        ))
          io.out(chunk);
      else io.out(formatChain(report, paint, index.scope));
      return status;
    }
    // An id names the bundle of the live policy it belongs to (with --live), else the bundle that
    // carries it as its own `id` (a raw export).
    const wanted = looksLikeId(values.id) ? (index.nameOfId(values.id) ?? values.id) : values.id;
    const entry = report.entries.find((e) => e.name === wanted);
    if (!entry) {
      io.err(`policylens chain: no policy named "${printable(values.id)}" among the files read\n`);
      return 1;
    }
    if (format === 'json') {
      const named = new Set(entry.dependents);
      const dependents = report.entries.filter((e) => named.has(e.name));
      io.out(
        toJson(io.version, {
          policy: entryJson(entry),
          dependents: dependents.map(entryJson),
          cycles: report.cycles.filter((c) => c.includes(entry.name)),
        }),
      );
    } else io.out(formatOne(report, entry, paint));
    // The status is the workspace's, as without --id. When the report of the asked policy shows
    // nothing wrong, say why, or it ended in exit 1 without a word (a field test).
    const ownProblem =
      entry.inCycle ||
      entry.prerequisites.some((l) => l.status === 'missing') ||
      report.duplicateNames.includes(entry.name);
    if (status && !ownProblem)
      io.err(
        `policylens chain: ${brokenElsewhere(report, unreadable)}: exit 1 (run without --id to see it)\n`,
      );
    return status;
  },
};

/** Why the workspace's chain is broken, in a few words: `1 cycle, 2 missing prerequisites`. */
function brokenElsewhere(report: ChainReport, unreadable: number): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const missing = report.entries.reduce(
    (k, e) => k + e.prerequisites.filter((l) => l.status === 'missing').length,
    0,
  );
  const parts = [
    report.cycles.length ? n(report.cycles.length, 'cycle', 'cycles') : '',
    missing ? n(missing, 'missing prerequisite', 'missing prerequisites') : '',
    report.duplicateNames.length
      ? n(report.duplicateNames.length, 'name two bundles share', 'names bundles share')
      : '',
    unreadable
      ? n(unreadable, 'file or folder that cannot be read', 'files or folders that cannot be read')
      : '',
  ].filter(Boolean);
  return `the workspace's chain has ${parts.join(', ')}`;
}
