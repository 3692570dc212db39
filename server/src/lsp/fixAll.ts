import { analyze, type Finding, type TextEdit } from '../core/index';
import { spansCollide } from './convert';
import type { PolicyDocument } from './documents';

/** Fix-all rounds: a fix can reveal another (a renamed key whose value is then checked). */
const MAX_ROUNDS = 5;

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end))
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The preferred fixes of findings that can be applied together (no overlapping edits). */
function compatiblePreferred(findings: readonly Finding[]): TextEdit[] {
  const chosen: TextEdit[] = [];
  for (const f of findings) {
    const fix = f.fixes?.find((x) => x.isPreferred && !x.fileEdits);
    if (!fix || !fix.edits.length) continue;
    if (fix.edits.some((e) => chosen.some((c) => spansCollide(c, e)))) continue;
    chosen.push(...fix.edits);
  }
  return chosen;
}

/**
 * Applies every preferred fix, re-analysing between rounds, and returns the result as one edit
 * (the changed middle of the document), or undefined when nothing is fixable.
 */
export function fixAllEdit(doc: PolicyDocument): { edit: TextEdit; count: number } | undefined {
  const original = doc.text;
  let text = original;
  let findings: readonly Finding[] = doc.findings();
  let count = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const edits = compatiblePreferred(findings);
    if (!edits.length) break;
    count += edits.length;
    text = applyEdits(text, edits);
    findings = analyze(text, { fileName: doc.fileName, dialect: doc.dialectOverride }).findings;
  }
  if (text === original) return undefined;
  let start = 0;
  while (start < text.length && start < original.length && text[start] === original[start]) start++;
  let endOld = original.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && original[endOld - 1] === text[endNew - 1]) {
    endOld--;
    endNew--;
  }
  return { edit: { start, end: endOld, newText: text.slice(start, endNew) }, count };
}
