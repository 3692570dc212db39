// The words of the export command apart from vscode, so that the language server's tests can record
// them: the confirmation's question and its list (`"Block PII" → policies/block-pii.yaml`), and what
// is said when the server refuses or has nothing to write.
import type { ExportLiveOnlyResult } from '../../server/src/protocol';

const bundles = (n: number) => `${n} ${n === 1 ? 'bundle' : 'bundles'}`;

/**
 * How many policies not exported (or invalid bundles) a notification or the confirmation names; the
 * output lists each.
 */
const NOT_EXPORTED_SHOWN = 3;

/** The first policies not exported, then how many more (the output has each, with its reason). */
function notExportedLines(r: ExportLiveOnlyResult): string[] {
  const lines = r.notExported
    .slice(0, NOT_EXPORTED_SHOWN)
    .map((n) => `✗ ${JSON.stringify(n.name)} not exported: ${n.reason}`);
  const more = r.notExported.length - NOT_EXPORTED_SHOWN;
  if (more > 0) lines.push(`✗ … and ${more} more not exported (each is in the Policy Lens output)`);
  return lines;
}

/** The question of the confirmation and its detail: each file, then what is not exported and why. */
export function exportConfirmation(r: ExportLiveOnlyResult, shown = 12): { message: string; detail: string } {
  const lines = r.files.slice(0, shown).map((f) => `+ ${JSON.stringify(f.name)} → ${f.file}`);
  if (r.files.length > shown) lines.push(`… and ${r.files.length - shown} more`);
  lines.push(...notExportedLines(r));
  return {
    message: `Write ${bundles(r.files.length)} for the live-only policies of ${r.org ?? 'the live org'} into ${r.folder ?? 'the folder'}?`,
    detail: [...lines, '', 'No file is overwritten: a name that is taken gets -2, -3, …'].join('\n'),
  };
}

/** When nothing is to be written: why, in the CLI's manner. */
export function nothingToExport(r: ExportLiveOnlyResult): string {
  // A folder the editor does not read refuses every policy of the org: a thousand reasons made one
  // notification of hundreds of kilobytes. The first few, then the count.
  if (r.notExported.length) {
    const named = r.notExported
      .slice(0, NOT_EXPORTED_SHOWN)
      .map((n) => `${JSON.stringify(n.name)}: ${n.reason}`);
    const more = r.notExported.length - named.length;
    return `Policy Lens: nothing exported: ${named.join('; ')}${more > 0 ? `; and ${more} more (each is in the Policy Lens output)` : ''}.`;
  }
  return r.declared
    ? 'Policy Lens: nothing to export: a bundle in this workspace declares every policy of the live org.'
    : 'Policy Lens: nothing to export: the live org has no policies.';
}

/** A refusal (invalid bundles, a folder the editor does not read) with its details, one sentence. */
export function refusal(r: ExportLiveOnlyResult): string {
  const details = r.details ?? [];
  const more = details.length - NOT_EXPORTED_SHOWN;
  return [
    `Policy Lens: export refused: ${r.message ?? 'see the output.'}`,
    ...details.slice(0, NOT_EXPORTED_SHOWN),
    ...(more > 0 ? [`… and ${more} more (each is in the Policy Lens output).`] : []),
  ].join(' ');
}

/**
 * An export cancelled part-way: how many files were written (they stay), and that the next export
 * writes the rest (the policies not written are still live-only, so it offers exactly those).
 */
export function exportCancelled(written: number, total: number, folder: string | undefined): string {
  const left = total - written;
  return `Policy Lens: export cancelled: wrote ${written} of ${bundles(total)} into ${folder ?? 'the folder'}, and kept them. The other ${left} ${left === 1 ? 'policy is' : 'policies are'} still live-only: export again to write ${left === 1 ? 'it' : 'them'}.`;
}
