import { POLICY_TEST_DIALECT, type FileResult } from './types';

/**
 * What each kind of file is called in lint's closing count, singular and plural. An Execlave file
 * is a "bundle", the seed's word (`2 bundles validated, 0 errors`); the other formats' files are
 * no bundles and are named as their products name them, so that a folder of Preloop documents is
 * not reported as "3 bundles validated".
 */
const KINDS: Record<string, [string, string]> = {
  execlave: ['bundle', 'bundles'],
  preloop: ['Preloop policy document', 'Preloop policy documents'],
  agentsentinel: ['Agent Sentinel policy', 'Agent Sentinel policies'],
  'agentsentinel-compile': ['Agent Sentinel compile request', 'Agent Sentinel compile requests'],
  callguard: ['Agent Sentinel callguard.yaml', 'Agent Sentinel callguard.yaml files'],
  [POLICY_TEST_DIALECT.id]: ['policy test file', 'policy test files'],
};

const count = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;

/**
 * `7 bundles`, `2 bundles and 3 policy test files`, `1 bundle, 2 Preloop policy documents and 1
 * Agent Sentinel policy`: the files of each kind, in the order of KINDS. A file whose kind is not
 * known (unreadable, so never classified) counts as a bundle, as it always did.
 */
export function countedFiles(results: readonly FileResult[]): string {
  const by = new Map<string, number>();
  for (const r of results) {
    const kind = r.dialect in KINDS ? r.dialect : 'execlave';
    by.set(kind, (by.get(kind) ?? 0) + 1);
  }
  const parts = Object.keys(KINDS)
    .filter((k) => by.has(k))
    .map((k) => count(by.get(k)!, KINDS[k]));
  if (!parts.length) return count(0, KINDS.execlave);
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
