import { isPair, isScalar, visit, type Document } from 'yaml';
import type { Finding } from '../findings';

/**
 * A plain `<<` key: YAML 1.1's merge key, which the YAML most tools read (Kubernetes, Docker
 * Compose, PyYAML) expands into the keys of the mapping it names. Policy Lens and the registry read
 * YAML 1.2, where `<<` is an ordinary key: the policy would keep a key named "<<" and none of the
 * keys it was meant to bring, so a cap written there would silently not apply. An error, on the
 * key, says so (a quoted `"<<"` is a string in every YAML version, and is left alone).
 */
export function mergeKeyFindings(doc: Document, text: string): Finding[] {
  if (!text.includes('<<')) return [];
  const findings: Finding[] = [];
  visit(doc, {
    Pair: (_key, pair) => {
      if (!isPair(pair) || !isScalar(pair.key)) return;
      const key = pair.key;
      if (key.value !== '<<' || key.type !== 'PLAIN') return;
      const [start, end] = key.range ?? [0, 0];
      findings.push({
        code: 'yaml/merge-key',
        severity: 'error',
        message:
          '"<<" is a YAML 1.1 merge key, which YAML 1.2 (read by Policy Lens and the registry) does not have: the keys it names would not be merged in; write them out here',
        span: { start, end: Math.max(end, start + 2) },
      });
    },
  });
  return findings;
}
