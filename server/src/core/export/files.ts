/**
 * What an export writes, as plain data shared by `policylens export` and the editor's command
 * (lsp/export/): each selected policy's file name in the folder and its text, and the sentences said
 * about it, so that both front ends write the same files and say the same words.
 */
import type { ExportCandidate } from './select';
import { fileNamesFor } from './names';
import { bundleText, type ExportFormat } from './text';

export interface ExportFile {
  /** The policy's name. */
  name: string;
  /** The file's name in the folder (`block-pii.yaml`, `cost-cap-2.yaml`). */
  fileName: string;
  text: string;
}

/** One file per bundle, in the bundles' order; `entries` are the names the folder holds (any case). */
export function exportFiles(
  bundles: readonly ExportCandidate[],
  entries: Iterable<string>,
  format: ExportFormat,
): ExportFile[] {
  const names = fileNamesFor(
    bundles.map((b) => b.name),
    entries,
    format,
  );
  return bundles.map((b, i) => ({ name: b.name, fileName: names[i]!, text: bundleText(b.value, format) }));
}

/** What is said about a bundle that is exported all the same: unknown prerequisites, a look-alike rename. */
export function exportWarnings(b: ExportCandidate): string[] {
  const quoted = JSON.stringify(b.name);
  const out = b.unknownPrerequisites.map(
    (ref) =>
      `${quoted}: prerequisite ${JSON.stringify(ref)} designates no policy of the live org; kept as written (sync reports it until the prerequisite is dropped)`,
  );
  if (b.renamedTo)
    out.push(
      `${quoted} looks like the old name of ${JSON.stringify(b.renamedTo.name)} (${b.renamedTo.file}); exported all the same: delete its file if the rename is meant`,
    );
  return out;
}

/** The line of an invalid bundle that stops an export (`✗ policies/x.yaml — invalid: …`). */
export function invalidBundleLine(file: string, firstError: string): string {
  return `✗ ${file} — invalid: ${firstError}`;
}

/**
 * Why invalid bundles stop an export (the name of each is unknown or its bundle held back, so a
 * policy it declares would be exported a second time beside it) or a sync (the server would refuse
 * the bundle, and with --prune its live policy would look undeclared).
 */
export function invalidBundlesSentence(n: number, command: 'export' | 'sync' = 'export'): string {
  return `${n} invalid bundle${n === 1 ? '' : 's'}: fix ${n === 1 ? 'it' : 'them'} (policylens lint) before ${command}.`;
}

/** The warning on a written bundle that is invalid as written: sync refuses to plan until it is fixed. */
export function invalidWrittenWarning(file: string, why: string): string {
  return `${file}: ${why}; sync plans nothing until it is fixed`;
}
