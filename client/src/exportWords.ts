// The words of the export command apart from vscode, so that the language server's tests can record
// them: the confirmation's question and its list (`"Block PII" → policies/block-pii.yaml`), and what
// is said when the server refuses or has nothing to write.
import type { ExportLiveOnlyResult } from '../../server/src/protocol';

const bundles = (n: number) => `${n} ${n === 1 ? 'bundle' : 'bundles'}`;

/** The question of the confirmation and its detail: each file, then what is not exported and why. */
export function exportConfirmation(r: ExportLiveOnlyResult, shown = 12): { message: string; detail: string } {
  const lines = r.files.slice(0, shown).map((f) => `+ ${JSON.stringify(f.name)} → ${f.file}`);
  if (r.files.length > shown) lines.push(`… and ${r.files.length - shown} more`);
  for (const n of r.notExported) lines.push(`✗ ${JSON.stringify(n.name)} not exported: ${n.reason}`);
  return {
    message: `Write ${bundles(r.files.length)} for the live-only policies of ${r.org ?? 'the live org'} into ${r.folder ?? 'the folder'}?`,
    detail: [...lines, '', 'No file is overwritten: a name that is taken gets -2, -3, …'].join('\n'),
  };
}

/** When nothing is to be written: why, in the CLI's manner. */
export function nothingToExport(r: ExportLiveOnlyResult): string {
  if (r.notExported.length)
    return `Policy Lens: nothing exported: ${r.notExported.map((n) => `${JSON.stringify(n.name)}: ${n.reason}`).join('; ')}.`;
  return r.declared
    ? 'Policy Lens: nothing to export: a bundle in this workspace declares every policy of the live org.'
    : 'Policy Lens: nothing to export: the live org has no policies.';
}

/** A refusal (invalid bundles, a folder the editor does not read) with its details, one sentence. */
export function refusal(r: ExportLiveOnlyResult): string {
  return [`Policy Lens: export refused: ${r.message ?? 'see the output.'}`, ...(r.details ?? [])].join(' ');
}
