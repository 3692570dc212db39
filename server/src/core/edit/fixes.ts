import type { Fix, TextEdit } from '../findings';
import type { AstNode, ArrayNode, Language, ObjectNode, PathSegment, PropertyNode } from '../parse/ast';
import { locate } from '../parse/locate';
import { displayPath } from '../parse/ast';
import type { FixSpec } from '../problem';
import { replaceAnchored } from './anchors';
import { flowValue, keyText, scalarText, yamlBlockValue } from './serialize';

/** What a fix needs to know about the token it edits. */
export interface FixContext {
  text: string;
  language: Language;
  node: AstNode | null;
  property?: PropertyNode;
}

function lineStartOf(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i + 1;
}

function lineEndOf(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i + 1;
}

function indentOf(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  const prefix = text.slice(start, offset);
  // The first key of a sequence item (`  - name: x`) is indented by the dash as well.
  if (/^[ \t]*(?:- +)+$/.test(prefix)) return prefix.replace(/-/g, ' ');
  return /^[ \t]*/.exec(prefix)?.[0] ?? '';
}

/**
 * A string as a YAML block scalar that replaces another one: same header (`|`, `>-`), same
 * content indentation, so a fix inside a block expression keeps the block.
 */
function blockScalarText(text: string, node: AstNode, value: string, style: 'literal' | 'folded'): string {
  const raw = text.slice(node.offset, node.end);
  const nl = raw.indexOf('\n');
  const header = nl < 0 ? raw : raw.slice(0, nl);
  const firstLine =
    raw
      .slice(nl + 1)
      .split('\n')
      .find((l) => l.trim()) ?? '';
  const indent = /^[ ]*/.exec(firstLine)?.[0] || indentOf(text, node.offset) + '  ';
  const body = value.replace(/\n$/, '');
  // In a folded scalar a single line break is written as an empty line.
  const lines = (style === 'folded' ? body.replace(/\n/g, '\n\n') : body).split('\n');
  return `${header}\n${lines.map((l) => (l ? indent + l : l)).join('\n')}${raw.endsWith('\n') ? '\n' : ''}`;
}

/** Removes one entry of a flow collection or JSON, together with the comma that joins it. */
function removeFlowEntry(start: number, end: number, siblings: { offset: number; end: number }[]): TextEdit {
  // Siblings are in source order; a binary search keeps a file with 100,000 entries linear.
  let lo = 0;
  let hi = siblings.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (siblings[mid].offset < start) lo = mid + 1;
    else hi = mid;
  }
  const idx = siblings[lo]?.offset === start ? lo : -1;
  if (idx > 0) {
    // Remove from the end of the previous entry, taking its comma.
    return { start: siblings[idx - 1].end, end, newText: '' };
  }
  if (siblings.length > 1) return { start, end: siblings[1].offset, newText: '' };
  return { start, end, newText: '' };
}

function removeBlockEntry(text: string, start: number, end: number): TextEdit {
  const from = lineStartOf(text, start);
  // A trailing comment on the last line goes with the entry; the next entry stays untouched.
  const to = lineEndOf(text, Math.max(start, end - 1));
  return { start: from, end: to, newText: '' };
}

export function removePropertyEdit(text: string, prop: PropertyNode): TextEdit {
  const obj = prop.parent;
  if (obj.flow) return removeFlowEntry(prop.offset, prop.end, obj.properties);
  return removeBlockEntry(text, prop.offset, prop.end);
}

function removeItemEdit(text: string, arr: ArrayNode, item: AstNode): TextEdit {
  if (arr.flow) return removeFlowEntry(item.offset, item.end, arr.items);
  return removeBlockEntry(text, item.offset, item.end);
}

/**
 * An edit whose text is written when it is first read. A YAML block is written by the `yaml`
 * package's `stringify`, about half a millisecond a call in a process that has not run it yet
 * (`lint` makes 15 such fixes on the bench's 1,000 files), and `lint` without `--fix` prints only
 * the fixes' titles. The text is an own enumerable property, so `JSON.stringify`, a spread and a
 * worker's `postMessage` copy it as they would a plain one.
 */
function lazyEdit(start: number, end: number, write: () => string): TextEdit {
  let newText: string | undefined;
  return {
    start,
    end,
    get newText(): string {
      return (newText ??= write());
    },
  };
}

/** Inserts properties into a mapping, in the style (block or flow, indent) of its siblings. */
export function addPropertiesEdit(
  text: string,
  language: Language,
  obj: ObjectNode,
  entries: [string, unknown][],
): TextEdit {
  const last = obj.properties[obj.properties.length - 1];
  if (!obj.flow) {
    const indent = last ? indentOf(text, last.key.offset) : '';
    const at = last ? lineEndOf(text, Math.max(last.offset, last.end - 1)) : obj.offset;
    const needsNewline = at > 0 && text[at - 1] !== '\n';
    return lazyEdit(at, at, () => {
      const lines = entries
        .map(([k, v]) => `${indent}${keyText(k, 'yaml')}:${yamlBlockValue(v, indent)}`)
        .join('\n');
      return `${needsNewline ? '\n' : ''}${lines}\n`;
    });
  }
  // Flow mapping or JSON object: before the closing brace.
  const close = text.lastIndexOf('}', obj.end);
  const multiline = last ? text.slice(obj.offset, last.offset).includes('\n') : false;
  if (multiline && last) {
    const indent = indentOf(text, last.key.offset);
    const body = entries
      .map(([k, v]) => `,\n${indent}${keyText(k, language)}: ${flowValue(v, language, indent)}`)
      .join('');
    return { start: last.end, end: last.end, newText: body };
  }
  const body = entries.map(([k, v]) => `${keyText(k, language)}: ${flowValue(v, language)}`).join(', ');
  if (last) return { start: last.end, end: last.end, newText: `, ${body}` };
  return { start: close, end: close, newText: language === 'json' ? `\n  ${body}\n` : ` ${body} ` };
}

/** Turns fix descriptions into text edits at the token the finding points to. */
export function buildFixes(
  specs: readonly FixSpec[] | undefined,
  ctx: FixContext,
  path: readonly (string | number)[],
): Fix[] {
  const out: Fix[] = [];
  const { text, language, node, property } = ctx;
  for (const spec of specs ?? []) {
    let edit: TextEdit | undefined;
    /** What an anchored value changes: more edits, or why `lint --fix` may not apply the fix. */
    let anchored: { edits?: TextEdit[]; held?: string; note?: string } | undefined;
    switch (spec.kind) {
      case 'replaceValue':
        if (spec.value && typeof spec.value === 'object' && property && (!node || node.type === 'null')) {
          // An empty value that needs a whole object or list: a block under the key in YAML,
          // the value in place in JSON and flow mappings.
          if (node && (language === 'json' || property.parent.flow))
            edit = { start: node.offset, end: node.end, newText: flowValue(spec.value, language) };
          else {
            const value = spec.value;
            const indent = indentOf(text, property.key.offset);
            edit = lazyEdit(property.key.end, property.end, () => `:${yamlBlockValue(value, indent)}`);
          }
        } else if (
          node?.type === 'string' &&
          typeof spec.value === 'string' &&
          (node.style === 'literal' || node.style === 'folded')
        ) {
          edit = {
            start: node.offset,
            end: node.end,
            newText: blockScalarText(text, node, spec.value, node.style),
          };
        } else if (node && node.type !== 'object' && node.type !== 'array') {
          const style = node.type === 'alias' ? 'plain' : node.style;
          const scalar = scalarText(spec.value, language, style);
          // An empty YAML value (`enforcementMode:` with nothing after it) sits right after the
          // colon; the value needs the space a mapping separator requires, or it joins the key.
          const glued = language !== 'json' && node.offset > 0 && text[node.offset - 1] === ':';
          edit = { start: node.offset, end: node.end, newText: glued ? ` ${scalar}` : scalar };
          // Aliases read an anchored value: fixed in place, they would change too (decisions.md).
          if (language === 'yaml' && node.type !== 'alias') {
            const a = replaceAnchored(text, node, scalar);
            if (a.kind === 'move')
              anchored = {
                edits: a.edits,
                note: ` (its aliases keep the old value: &${a.anchor} moves to the first)`,
              };
            else if (a.kind === 'held')
              anchored = { held: a.why, note: ` (changes the aliases of &${a.anchor} too)` };
          }
        } else if (!node && property) {
          edit = {
            start: property.key.end,
            end: property.end,
            newText: `: ${scalarText(spec.value, language)}`,
          };
        }
        break;
      case 'renameKey':
        if (property)
          edit = {
            start: property.key.offset,
            end: property.key.end,
            newText: keyText(spec.to, language, property.key.style),
          };
        break;
      case 'removeKey':
        if (property) edit = removePropertyEdit(text, property);
        break;
      case 'removeItem':
        if (node?.parent?.type === 'array') edit = removeItemEdit(text, node.parent, node);
        break;
      case 'addKeys':
        if (node?.type === 'object') edit = addPropertiesEdit(text, language, node, spec.entries);
        else if (property && !node) {
          // `ruleDefinition:` with nothing after it: give it a value instead of nested keys.
          const obj = Object.fromEntries(spec.entries);
          const indent = indentOf(text, property.key.offset);
          edit =
            language === 'json'
              ? { start: property.key.end, end: property.end, newText: `: ${flowValue(obj, language)}` }
              : lazyEdit(property.key.end, property.end, () => `:${yamlBlockValue(obj, indent)}`);
        }
        break;
      case 'composite': {
        const edits = compositeEdits(spec.steps, ctx);
        if (edits)
          out.push({
            title: spec.title ?? `Fix ${displayPath(path)}`,
            edits,
            ...(spec.preferred ? { isPreferred: true } : {}),
            ...(spec.safe ? { safe: true } : {}),
          });
        break;
      }
      case 'wrapInArray':
        if (node && node.type !== 'object' && node.type !== 'array') {
          const raw = text.slice(node.offset, node.end);
          edit = { start: node.offset, end: node.end, newText: `[${raw}]` };
        }
        break;
    }
    if (edit)
      out.push({
        title: (spec.title ?? `Fix ${displayPath(path)}`) + (anchored?.note ?? ''),
        edits: anchored?.edits ?? [edit],
        ...(spec.preferred ? { isPreferred: true } : {}),
        ...(spec.safe && !anchored?.held ? { safe: true } : {}),
        ...(spec.safe && anchored?.held ? { held: anchored.held } : {}),
      });
  }
  return out;
}

/** The root of the tree a fix context belongs to, found through parent links. */
function rootOf(ctx: FixContext): AstNode | null {
  let cur: AstNode | null = ctx.node ?? ctx.property?.parent ?? null;
  while (cur?.parent) cur = cur.parent;
  return cur;
}

/** The edits of every step of a composite fix, or undefined when one of them cannot be made. */
function compositeEdits(
  steps: { path: PathSegment[]; fix: FixSpec }[],
  ctx: FixContext,
): TextEdit[] | undefined {
  const root = rootOf(ctx);
  const edits: TextEdit[] = [];
  for (const step of steps) {
    const { node, property, depth } = locate(root, step.path);
    if (depth !== step.path.length) return undefined;
    const built = buildFixes(
      [step.fix],
      { text: ctx.text, language: ctx.language, node, property },
      step.path,
    );
    if (!built.length) return undefined;
    edits.push(...built[0].edits);
  }
  // Insertions first at equal offsets; edits that touch become one, because an editor rejects a
  // deletion and an insertion that start at the same place.
  edits.sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
  const merged: TextEdit[] = [];
  for (const e of edits) {
    const last = merged[merged.length - 1];
    if (last && e.start === last.end)
      merged[merged.length - 1] = { start: last.start, end: e.end, newText: last.newText + e.newText };
    else if (last && e.start < last.end) return undefined;
    else merged.push({ ...e });
  }
  return merged;
}
