import { analyze, applyRuleSettings, applySuppressions, fixAll, type TextEdit } from '../core/index';
import type { DocumentStore, PolicyDocument } from './documents';

/**
 * The editor's "Fix all": core/assist/fixAll.ts computes it (the same function as `lint --fix`,
 * with every preferred fix, not only the safe ones, since the user sees the result before saving);
 * the code action turns the one edit into LSP types.
 */
export function fixAllEdit(
  doc: PolicyDocument,
  store: DocumentStore,
): { edit: TextEdit; count: number } | undefined {
  const language = doc.analysis.language;
  const rules = store.rulesFor(doc.uri);
  const result = fixAll(doc.text, doc.findings(), (text) =>
    applyRuleSettings(
      applySuppressions(
        analyze(text, { fileName: doc.fileName, dialect: doc.dialectOverride }).findings,
        text,
        language,
      ),
      rules,
    ),
  );
  return result && { edit: result.edit, count: result.count };
}
