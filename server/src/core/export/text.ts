/**
 * An exported bundle as the text of its file. YAML is written in the YAML 1.2 core schema, as the
 * engine reads it, never folded; a one-line string that YAML 1.1 would read as something else
 * (`yes`, `off`, `2024-01-01`, `1:20`) is quoted too, so that older readers (PyYAML, yamllint's
 * `truthy`) read the same value, and so are YAML 1.1's two keys of their own (`YAML11_KEYS`). JSON
 * is indented by two spaces. Both end with a line break, and the same value is always the same text.
 */
import { Document, isScalar, parse, visit } from 'yaml';

export type ExportFormat = 'yaml' | 'json';

/**
 * Plain strings that YAML 1.1 gives a type of its own, which the `yaml` package's 1.1 schema does not
 * resolve (so `plainIsString` passes them): `<<`, the merge key (lint's yaml/merge-key error), and
 * `=`, the value key (`tag:yaml.org,2002:value`), which PyYAML's safe_load refuses ("could not
 * determine a constructor"), as a key or as a value. Quoted, both are strings to every reader.
 */
const YAML11_KEYS = new Set(['<<', '=']);

/**
 * Whether `s`, written plain, is the string `s` to a YAML 1.2 and a YAML 1.1 reader alike.
 * `logLevel: 'error'`: the package would print its warnings (an unknown tag `!t`, a directive `%x`)
 * on the process's stderr; such a string is quoted all the same, since it does not read back.
 */
function plainIsString(s: string): boolean {
  try {
    return (['core', 'yaml-1.1'] as const).every((schema) => parse(s, { schema, logLevel: 'error' }) === s);
  } catch {
    return false;
  }
}

export function bundleText(value: Record<string, unknown>, format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  const doc = new Document(value, { schema: 'core' });
  visit(doc, {
    Scalar(_key, node) {
      if (
        isScalar(node) &&
        typeof node.value === 'string' &&
        !node.value.includes('\n') &&
        (YAML11_KEYS.has(node.value) || !plainIsString(node.value))
      )
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}
