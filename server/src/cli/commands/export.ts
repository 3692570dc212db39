import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  invalidBundleLine,
  invalidBundlesSentence,
  LiveOrgError,
  printable,
  selectExports,
  type LiveOrgPolicy,
} from '../../core/index';
import { checkFolder, entriesOf, writeAll } from '../export/folder';
import { markUnwritten, planExport, warningsOf } from '../export/plan';
import { formatExport } from '../export/print';
import { fromCwd, UsageError } from '../files';
import { projectFor } from '../project';
import { collectDesired } from '../sync/desired';
import { liveOrgFor, orgLabel } from '../sync/org';
import { checkChoice } from '../usage';
import type { Command, CommandIO } from './types';

export const HELP = `Usage: policylens export <dir> [--dry-run] [--format yaml|json] [--url URL] [--config FILE] [--no-ignore]

Writes a bundle into <dir> for every policy of the live org that no bundle under <dir> declares
(matched by name, as sync matches them): the step that brings an org's policies into a repository.
Afterwards \`policylens sync <dir>\` finds each of them in sync. A file that exists is never rewritten;
<dir> is created when it does not exist and there is something to write (never with --dry-run).

A bundle holds what sync compares: the writable fields (no id, version or timestamps), without
metadata.source (sync stamps it) and without a field at its default; its prerequisites are the
names of the live policies their ids designate (an id the org does not hold is kept, and said on
stderr). The file is named after the policy ("Block PII" → block-pii.yaml); a name that is taken in
<dir>, in any case, or by another exported policy gets -2, -3, … Keys come in a fixed order, so an
export of the same org writes the same text, and a second export writes nothing.

  --dry-run     print the files and their text; write nothing
  --format      yaml (default) or json: the files' format
  --url URL     the live org's API (else POLICYLENS_API_URL or EXECLAVE_BASE_URL)
  --config FILE the project config instead of the nearest policylens.config.yaml (its live.url
                is the org's API when neither --url nor the environment names one)
  --no-ignore   read files that .gitignore ignores too (as sync --no-ignore)

The API key comes from POLICYLENS_API_KEY (or EXECLAVE_API_KEY); it is sent only over https, or over
plain http to localhost.
Exit status: 0 written, or nothing to export; 1 an invalid bundle under <dir>, the live org cannot be
read, a policy not exported or a file not written (marked ✗), a written bundle that lint finds an
error in; 2 a usage error, <dir> that is not a folder or cannot be written.`;

async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      format: { type: 'string', default: 'yaml' },
      url: { type: 'string' },
      config: { type: 'string' },
      'no-ignore': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('export needs one folder to write into');
  const format = checkChoice('format', values.format, ['yaml', 'json']);
  const dryRun = values['dry-run'];
  const dir = positionals[0]!;
  const collect = { ignore: !values['no-ignore'], config: values.config };
  const exists = checkFolder(dir, !dryRun);
  const warn = (message: string) => io.err(`policylens export: ${printable(message)}\n`);

  const { desired, invalid } = exists ? collectDesired([dir], collect) : { desired: [], invalid: [] };
  if (invalid.length) {
    // Its name is unknown or its bundle held back: a policy it declares would be exported beside it.
    for (const i of invalid) io.err(`${invalidBundleLine(printable(i.file), printable(i.firstError))}\n`);
    warn(invalidBundlesSentence(invalid.length));
    return 1;
  }
  let live: LiveOrgPolicy[];
  let label: string;
  try {
    const org = liveOrgFor(values.url, projectFor(dir, values.config));
    live = await org.listPolicies();
    label = orgLabel(org.label, await org.orgName());
  } catch (e) {
    if (!(e instanceof LiveOrgError)) throw e;
    warn(e.message.replace(/^sync is not configured/, 'the live org is not configured'));
    return 1;
  }

  const abs = resolve(dir);
  const selection = selectExports(desired, live);
  const plan = planExport(selection, {
    desired,
    live,
    dir: abs,
    entries: entriesOf(abs, exists),
    format,
    collect,
  });
  let written = plan.files.length;
  if (!dryRun) {
    const result = writeAll(abs, plan.files);
    written = result.written;
    if (result.error !== undefined) markUnwritten(plan, result.written, result.error);
  }
  // Said of the files written (or to be written) only: a ✗ row says why its policy is not.
  for (const w of warningsOf(plan, written)) warn(w);
  const { rows } = plan;
  io.out(
    formatExport({
      org: label,
      into: fromCwd(abs) || '.',
      rows,
      declared: selection.declared,
      dryRun,
      ...(dryRun ? { contents: plan.files.map((f) => ({ file: fromCwd(f.path), text: f.text })) } : {}),
    }),
  );
  const missed = rows.filter((r) => r.file === undefined).length;
  if (missed) warn(`${missed} of the live org's policies not exported (marked ✗)`);
  return plan.failed ? 1 : 0;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write bundles for the live policies no bundle declares (adoption)',
  help: HELP,
  run,
};
