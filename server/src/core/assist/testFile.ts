/**
 * Completion and hover in a policy test file (`*.policytest.yaml`), as plain data: the test schema's
 * keys and values (events included), and in `expect.fired`, `notFired` and `skipped` the names of
 * the policies the file runs against, which the caller loads (they live in other files).
 */
import type { CompiledPolicies } from '../eval/engine';
import { isExpectNamePath, POLICY_TEST_SCHEMA, quoteIfNeeded } from '../eval/testfile';
import { languageOf, ParsedDocument } from '../parse';
import { treeValue, type Language, type PathSegment } from '../parse/ast';
import { nodeAt } from '../parse/locate';
import { pick, schemasAt } from '../schema/navigate';
import type { CompletionCandidate, HoverResult } from './candidates';
import { keyCandidates, valueCandidates } from './completion';
import { cursorContext, type CursorContext } from './cursor';
import { typeLabel, valueAt } from './schema';

/** A test file as completion and hover read it: its text, parse and best plain value. */
export interface TestFileDocument {
  readonly text: string;
  readonly analysis: { readonly language: Language };
  readonly parsed: ParsedDocument;
  /** The value, or what survives of it while the text does not parse. */
  readonly value: unknown;
}

export function testFileDocument(text: string, fileName: string): TestFileDocument {
  const language = languageOf(fileName);
  const parsed = new ParsedDocument(text, language);
  const value = parsed.value !== undefined ? parsed.value : treeValue(parsed.root);
  return { text, analysis: { language }, parsed, value };
}

/** A name a trace can carry, with what it is (`cost_limit · block · daily-cost-limit.yaml`). */
export interface NamedPolicy {
  name: string;
  detail: string;
}

/** The names of `expectableNames`, each with what it is, for completion and hover. */
export function namedPolicies(compiled: CompiledPolicies, names: readonly string[]): NamedPolicy[] {
  const file = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
  const what = new Map<string, string>();
  for (const p of compiled.execlave) what.set(p.name, `${p.policyType} · ${p.mode} · ${file(p.source)}`);
  for (const d of compiled.preloop) {
    what.set(d.name, `Preloop document · ${file(d.source)}`);
    for (const t of d.tools) what.set(`${d.name}: ${t.name}`, `Preloop tool · ${file(d.source)}`);
    for (const r of d.modelIo)
      what.set(`${d.name}: model_io ${r.id}`, `Preloop model_io rule · ${file(d.source)}`);
    for (const r of d.sensitive)
      what.set(`${d.name}: sensitive_data ${r.id}`, `Preloop sensitive_data rule · ${file(d.source)}`);
  }
  for (const p of compiled.sentinel) what.set(p.name, `Agent Sentinel policy · ${file(p.source)}`);
  return names.map((name) => ({ name, detail: what.get(name) ?? 'Agent Sentinel check' }));
}

function nameCandidates(
  doc: TestFileDocument,
  cur: CursorContext,
  names: readonly NamedPolicy[],
  listPath: PathSegment[],
  wrap?: 'dash' | 'brackets',
): CompletionCandidate[] {
  const list = valueAt(doc.value, listPath);
  const index = cur.path[listPath.length];
  const taken = new Set(Array.isArray(list) ? list.filter((_v, i) => i !== index) : []);
  const json = doc.analysis.language === 'json';
  return names
    .filter((n) => !taken.has(n.name))
    .map(({ name, detail }, i): CompletionCandidate => {
      let text: string;
      if (json || cur.quote === '"') text = JSON.stringify(name);
      else if (cur.quote === "'") text = `'${name.replace(/'/g, "''")}'`;
      else text = /[,[\]{}]/.test(name) ? JSON.stringify(name) : quoteIfNeeded(name);
      if (wrap === 'dash') text = `- ${text}`;
      else if (wrap === 'brackets') text = `[${text}]`;
      if (cur.needsSpace) text = ' ' + text;
      return {
        label: name,
        kind: 'reference',
        detail,
        sortText: String(i).padStart(4, '0'),
        filterText: cur.quote ? `${cur.quote}${name}${cur.quote}` : name,
        span: cur.span,
        newText: text,
      };
    });
}

/** Whether the cursor is where a policy name goes (the caller then loads the names). */
export function wantsPolicyNames(doc: TestFileDocument, offset: number): boolean {
  const cur = cursorContext(doc.text, offset, doc.analysis.language);
  return !!cur && isExpectNamePath(cur.path);
}

/** The completion at `offset` of a test file; `names` are the tested policies' (see `wantsPolicyNames`). */
export function policyTestCompletionAt(
  doc: TestFileDocument,
  offset: number,
  names: readonly NamedPolicy[],
): CompletionCandidate[] | undefined {
  const cur = cursorContext(doc.text, offset, doc.analysis.language);
  if (!cur) return undefined;
  const root = POLICY_TEST_SCHEMA;
  const { value } = doc;
  // A name in a list, a new item (`- ` on a line of its own), or the list's first value.
  if (cur.kind === 'value' && isExpectNamePath(cur.path)) {
    const inList = typeof cur.path[cur.path.length - 1] === 'number';
    return nameCandidates(
      doc,
      cur,
      names,
      inList ? cur.path.slice(0, -1) : cur.path,
      inList ? undefined : 'brackets',
    );
  }
  if (cur.kind === 'key' && isExpectNamePath(cur.path) && cur.style === 'block')
    return nameCandidates(doc, cur, names, cur.path, 'dash');
  const here = valueAt(value, cur.path);
  const isList = pick<string>(schemasAt(root, value, cur.path), 'type') === 'array';
  const itemPath = [...cur.path, Array.isArray(here) ? here.length : 0];
  if (cur.kind === 'key') {
    const keys = keyCandidates(doc, cur, root, value, cur.path);
    return !keys.length && isList && cur.style === 'block'
      ? valueCandidates(doc, cur, root, value, itemPath, 'dash')
      : keys;
  }
  let items = valueCandidates(doc, cur, root, value, cur.path);
  if (!items.length && isList && !cur.prefix)
    items = valueCandidates(doc, cur, root, value, itemPath, 'brackets');
  if (cur.sequenceItem && !items.length) items = keyCandidates(doc, cur, root, value, cur.path);
  return items;
}

/** Whether the hover at `offset` is on a policy name of an `expect` list. */
export function expectNameAt(doc: TestFileDocument, offset: number): string | undefined {
  const at = nodeAt(doc.parsed.root, offset);
  return !at.onKey && at.node?.type === 'string' && isExpectNamePath(at.path) ? at.node.value : undefined;
}

/**
 * Hover in a test file: on a policy name, what it is (or that the tested policies, `tested`, have
 * no such name); on a key, its type and description.
 */
export function policyTestHoverAt(
  doc: TestFileDocument,
  offset: number,
  names: readonly NamedPolicy[],
  tested: string,
): HoverResult | undefined {
  const at = nodeAt(doc.parsed.root, offset);
  if (!at.node || !at.path.length) return undefined;
  const span = { start: at.node.offset, end: at.node.end };
  const name = expectNameAt(doc, offset);
  if (name !== undefined) {
    const known = names.find((n) => n.name === name);
    return { markdown: `**${name}**: ${known ? known.detail : `no policy of ${tested}`}`, span };
  }
  if (!at.onKey) return undefined;
  const schemas = schemasAt(POLICY_TEST_SCHEMA, doc.value, at.path);
  if (!schemas.length) return undefined;
  const description = pick<string>(schemas, 'description');
  const lines = [`**${String(at.path[at.path.length - 1])}**: ${typeLabel(POLICY_TEST_SCHEMA, schemas)}`];
  if (description) lines.push('', description);
  return { markdown: lines.join('\n'), span };
}
