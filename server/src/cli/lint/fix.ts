import { closeSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import {
  analyze,
  applyRuleSettings,
  applySuppressions,
  encodeUtf16,
  fixAll,
  languageOf,
  unifiedDiff,
  withoutIdRemoval,
  type Finding,
  type Utf16Order,
  type RuleSettings,
} from '../../core/index';
import { POLICY_TEST_FILE, readPolicyText } from '../files';
import { testFileTextFindings } from './testFiles';

/** What lint knows about a file that `--fix` needs. */
export interface Fixable {
  path: string;
  findings: Finding[];
  readError?: string;
  /** The dialect forced by --dialect or the config. */
  forced?: string;
  rules: RuleSettings;
}

export interface PlannedFix {
  path: string;
  before: string;
  after: string;
  count: number;
  /** The file is UTF-16 of this byte order: the fixed text is written back so. */
  utf16?: Utf16Order;
}

/**
 * The safe fixes of every file, computed by the same fix-all as the editor's (core/assist/fixAll.ts)
 * but limited to the fixes that keep the policy's meaning. Files without one are not read again.
 */
export function planFixes(files: readonly Fixable[], keepId: ReadonlySet<string> = new Set()): PlannedFix[] {
  const out: PlannedFix[] = [];
  for (const f of files) {
    // A bundle whose `id` another file of the project names by it keeps the `id` (lint/heldIds.ts).
    const held = (list: readonly Finding[]) => (keepId.has(f.path) ? withoutIdRemoval(list) : list);
    const findings = held(f.findings);
    if (f.readError || !findings.some((x) => x.fixes?.some((fix) => fix.safe && fix.isPreferred))) continue;
    let before: string;
    let utf16: Utf16Order | undefined;
    try {
      const read = readPolicyText(f.path);
      if (read.kind !== 'text' || read.invalidEncoding) continue;
      before = read.text;
      utf16 = read.utf16;
    } catch {
      continue;
    }
    const language = languageOf(f.path);
    // A test file is checked as lint checked it (its safe fixes never depend on its policies).
    const findingsOf = (text: string) =>
      POLICY_TEST_FILE.test(f.path)
        ? applyRuleSettings(testFileTextFindings(f.path, text), f.rules)
        : held(
            applyRuleSettings(
              applySuppressions(
                analyze(text, { fileName: f.path, dialect: f.forced }).findings,
                text,
                language,
              ),
              f.rules,
            ),
          );
    const result = fixAll(before, findings, findingsOf, { safeOnly: true });
    if (result)
      out.push({
        path: f.path,
        before,
        after: result.text,
        count: result.count,
        ...(utf16 ? { utf16 } : {}),
      });
  }
  return out;
}

/** Writes a planned fix, in the encoding its file had. */
export function writeFix(p: PlannedFix): void {
  writeAtomically(p.path, p.utf16 ? [encodeUtf16(p.after, p.utf16)] : p.after);
}

/**
 * Writes a file so that a reader (or a crash) sees the old text or the new one, never half of
 * each: the new text goes to a temporary file beside it, which is then renamed over it. The text
 * may come in chunks, each written as it comes: a lint report can be longer than one string may be.
 * A symbolic link is written through: the file it names gets the text and the link stays a link
 * (renaming over the link would replace it with a copy, and the file it shared would keep the old
 * text).
 */
export function writeAtomically(linkOrPath: string, text: string | Iterable<string | Uint8Array>): void {
  const path = throughLinks(linkOrPath);
  const tmp = join(dirname(path), `.${basename(path)}.policylens-${process.pid}.tmp`);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    mode = undefined;
  }
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      for (const chunk of typeof text === 'string' ? [text] : text) writeFileSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never written.
    }
    throw e;
  }
}

/** The file a path names once its links are followed; a path to nothing (yet) is itself. */
function throughLinks(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The diffs of the planned fixes, with paths from the current directory (`git apply` reads them). */
export function fixDiff(plans: readonly PlannedFix[]): string {
  return plans
    .map((p) => unifiedDiff(relative(process.cwd(), p.path).split(sep).join('/'), p.before, p.after))
    .join('');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function fixSummary(plans: readonly PlannedFix[], dryRun: boolean): string {
  const fixes = plans.reduce((n, p) => n + p.count, 0);
  if (!fixes) return 'no safe fixes to apply\n';
  return `${dryRun ? 'would fix' : 'fixed'} ${plural(fixes, 'problem')} in ${plural(plans.length, 'file')}\n`;
}
