import { stringify } from 'yaml';
import type { Language, ScalarStyle } from '../parse/ast';

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_./@+-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~)$/i;

/** A scalar as it should appear in the file, keeping the quote style of the value it replaces. */
export function scalarText(value: unknown, language: Language, style: ScalarStyle = 'plain'): string {
  if (language === 'json' || style === 'double' || style === 'json') return JSON.stringify(value);
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (style === 'single') return `'${value.replace(/'/g, "''")}'`;
  return PLAIN_SAFE.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

/** A key as it should appear in the file. */
export function keyText(key: string, language: Language, style: ScalarStyle = 'plain'): string {
  return scalarText(key, language, style);
}

/**
 * A value to insert after `key: ` in a YAML block mapping at `indent`. Objects and arrays become
 * nested blocks; scalars stay on the key's line.
 */
export function yamlBlockValue(value: unknown, indent: string, unit = '  '): string {
  if (value && typeof value === 'object' && Object.keys(value).length) {
    const body = stringify(value, { indent: unit.length, lineWidth: 0 }).trimEnd();
    return (
      '\n' +
      body
        .split('\n')
        .map((l) => indent + unit + l)
        .join('\n')
    );
  }
  if (Array.isArray(value)) return ' []';
  if (value && typeof value === 'object') return ' {}';
  return ' ' + scalarText(value, 'yaml');
}

/** A value in flow or JSON form, pretty-printed at `indent` for JSON with line breaks. */
export function flowValue(value: unknown, language: Language, indent?: string, unit = '  '): string {
  if (language === 'json') {
    const s = JSON.stringify(value, null, indent === undefined ? undefined : unit);
    return indent === undefined ? s : s.split('\n').join('\n' + indent);
  }
  return stringify(value, { flow: true, lineWidth: 0 }).trim();
}
