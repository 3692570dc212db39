/**
 * Hover as plain data: what the dialect knows (CEL, declared names) first, then the schema's type,
 * description and enum docs of the key or value under the cursor, and for a top-level value that
 * selects a branch (`policyType: pii_access`), the keys that branch allows.
 */
import { nodeAt } from '../parse/locate';
import type { SchemaObject } from '../schema/compile';
import { pick, schemasAt } from '../schema/navigate';
import type { HoverResult } from './candidates';
import { dialectHover } from './dialectCompletion';
import { inlineCode } from './markdown';
import { branchShapes, schemaContextOf, typeLabel, valueAt, type AssistDocument } from './schema';

/** The shape a value selects (`policyType: pii_access` → the keys of its `ruleDefinition`). */
function shapeText(root: SchemaObject, key: string, v: unknown): string[] {
  const out: string[] = [];
  for (const shape of branchShapes(root, key, v)) {
    out.push(`**\`${shape.property}\`** for \`${String(v)}\`:`, '');
    if (!shape.keys.size) out.push('- any keys (not documented)');
    for (const [k, s] of shape.keys) {
      const req = shape.required.includes(k) ? ' *(required)*' : '';
      const desc = typeof s.description === 'string' ? ` — ${s.description}` : '';
      out.push(`- \`${k}\`: ${typeLabel(root, [s])}${req}${desc}`);
    }
    out.push('');
  }
  return out;
}

export function hoverAt(doc: AssistDocument, offset: number): HoverResult | undefined {
  const root = doc.analysis.doc?.root;
  if (!root) return undefined;
  const assisted = dialectHover(doc, offset);
  if (assisted) return assisted;
  const at = nodeAt(root, offset);
  if (!at.node || at.node.type === 'object' || at.node.type === 'array' || !at.path.length) return undefined;
  const { dialect, value } = schemaContextOf(doc);
  const schema = dialect.schema;
  const schemas = schemasAt(schema, value, at.path);
  if (!schemas.length) return undefined;
  const last = at.path[at.path.length - 1];
  const lines: string[] = [];
  const description = pick<string>(schemas, 'description');
  const current = valueAt(value, at.path);
  if (at.onKey) {
    lines.push(`**${String(last)}**: ${typeLabel(schema, schemas)}`, '');
    if (description) lines.push(description, '');
  } else {
    const v = at.node.type === 'alias' ? undefined : at.node.value;
    const docs = pick<Record<string, string>>(schemas, 'x-enumDescriptions') ?? {};
    const legacy = pick<Record<string, string>>(schemas, 'x-legacyValues') ?? {};
    const label = typeof last === 'number' ? `${String(at.path[at.path.length - 2])}[${last}]` : String(last);
    lines.push(`**${label}**: ${inlineCode(String(v))}`, '');
    if (typeof v === 'string' && docs[v]) lines.push(docs[v], '');
    else if (typeof v === 'string' && legacy[v]) lines.push(`Legacy value; use \`${legacy[v]}\`.`, '');
    if (description) lines.push(description, '');
  }
  if (typeof last === 'string' && at.path.length === 1 && current !== undefined)
    lines.push(...shapeText(schema, last, current));
  const text = lines.join('\n').trim();
  if (!text) return undefined;
  return { markdown: text, span: { start: at.node.offset, end: at.node.end } };
}
