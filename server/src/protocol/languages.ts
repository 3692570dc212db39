// The editor's own language ids for policy files: a policy is `policylens-yaml` or `policylens-json`,
// not `yaml` or `json`, so the YAML and JSON extensions, which serve those two ids, leave it to us
// (docs/decisions/coexistence.md).
import { RequestType } from 'vscode-languageserver-protocol';

/** The language id of a YAML policy file. */
export const POLICY_YAML = 'policylens-yaml';
/** The language id of a JSON policy file. */
export const POLICY_JSON = 'policylens-json';

/** Our language id for a document of a general-purpose language id, if it can become one. */
export function policyLanguageFor(languageId: string): string | undefined {
  if (languageId === 'yaml') return POLICY_YAML;
  if (languageId === 'json' || languageId === 'jsonc') return POLICY_JSON;
  return undefined;
}

export interface AdoptDocumentParams {
  uri: string;
  /** {@link POLICY_YAML} or {@link POLICY_JSON}. */
  languageId: string;
}

export interface AdoptDocumentResult {
  /** True when the client switched the document to `languageId` (it then closes and reopens it). */
  adopted: boolean;
}

/**
 * `policyLens/adoptDocument`, server → client: a document opened as `yaml` or `json` turned out to
 * be a policy by its content; a client that declared `policyLanguages` in its initialization
 * options switches it to our language id. The server publishes the document's diagnostics only
 * once the client answered `adopted: false` (or after the document reopened with our id).
 */
export const AdoptDocumentRequest = new RequestType<AdoptDocumentParams, AdoptDocumentResult, void>(
  'policyLens/adoptDocument',
);
