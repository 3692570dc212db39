import {
  analyze,
  applyRuleSettings,
  applySuppressions,
  fixAll,
  fixAllFindings,
  type ChainIndex,
  type Finding,
  type TextEdit,
} from '../core/index';
import type { DocumentStore, PolicyDocument } from './documents';

/**
 * The editor's "Fix all": core/assist/fixAll.ts computes it (the same function as `lint --fix`,
 * with every preferred fix, not only the safe ones, since the user sees the result before saving);
 * the code action turns the one edit into LSP types. With the workspace's chain, a bundle's own
 * `id` stays while another bundle's prerequisite still names it by that id (`fixAllFindings`).
 */
export function fixAllEdit(
  doc: PolicyDocument,
  store: DocumentStore,
  chain?: ChainIndex,
): { edit: TextEdit; count: number } | undefined {
  const language = doc.analysis.language;
  const rules = store.rulesFor(doc.uri);
  // Every round: the next one analyses the fixed text again, which has the `id` finding again.
  const held = (findings: readonly Finding[]) =>
    chain ? fixAllFindings(chain, doc.uri, findings) : findings;
  const result = fixAll(doc.text, held(doc.findings()), (text) =>
    held(
      applyRuleSettings(
        applySuppressions(
          analyze(text, { fileName: doc.fileName, dialect: doc.dialectOverride }).findings,
          text,
          language,
        ),
        rules,
      ),
    ),
  );
  return result && { edit: result.edit, count: result.count };
}
