import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import {
  caseYaml,
  locate,
  ParsedDocument,
  suggestTestCase,
  testFileYaml,
  type PolicySource,
} from '../core/index';
import type { ServerContext } from './context';
import type { PolicyDocument } from './documents';
import { testPoliciesOf } from './testFiles';

/** The kind of "Create a test for this policy": a refactoring, offered on the policy's name. */
export const CREATE_TEST_KIND = `${CodeActionKind.Refactor}.policyLens.createTest`;

const EVALUATED = new Set(['execlave', 'preloop', 'agentsentinel', 'callguard']);

/** Where the policy's name is (the line the action is offered on): `name`, Preloop's `metadata.name`. */
function nameNode(doc: PolicyDocument): { offset: number; end: number } | undefined {
  const root = doc.analysis.doc?.root ?? null;
  for (const path of [['name'], ['metadata', 'name']]) {
    const l = locate(root, path);
    if (l.depth === path.length && l.node) return l.node;
  }
  return root?.type === 'object' ? root.properties[0]?.key : undefined;
}

/** `a/b/c` relative to the folder `from` (both URI paths). */
function relativePath(from: string, to: string): string {
  const a = from.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}

/** The nearest existing `tests/` folder from the policy's folder up to its workspace folder, or a new one there. */
async function testsFolder(ctx: ServerContext, policy: URI): Promise<URI> {
  const root = ctx
    .workspaceFolders()
    .map((f) => URI.parse(f))
    .filter((f) => policy.path.startsWith(f.path.replace(/\/*$/, '/')))
    .sort((x, y) => y.path.length - x.path.length)[0];
  for (let dir = Utils.dirname(policy); ; dir = Utils.dirname(dir)) {
    const candidate = Utils.joinPath(dir, 'tests');
    if (await ctx.runtime.fs.exists(candidate.toString())) return candidate;
    if (!root || dir.path.length <= root.path.length || Utils.dirname(dir).path === dir.path)
      return Utils.joinPath(root ?? Utils.dirname(policy), 'tests');
  }
}

/** The insertion that appends a case to an existing test file's block `cases:` list. */
function appendEdit(
  text: string,
  yaml: (indent: string) => string,
): { offset: number; newText: string } | undefined {
  const doc = new ParsedDocument(text, 'yaml');
  const cases = locate(doc.root, ['cases']);
  if (cases.depth !== 1 || cases.node?.type !== 'array' || cases.node.flow) return undefined;
  const first = cases.node.items[0];
  const lineStart = first ? text.lastIndexOf('\n', first.offset - 1) + 1 : 0;
  const indent = first ? (/^(\s*)-/.exec(text.slice(lineStart, first.offset))?.[1] ?? '  ') : '  ';
  const end = cases.node.end;
  // At a line's start (the list ends with its line) the case is whole lines; else a line break first.
  const newText = text.slice(0, end).endsWith('\n') ? yaml(indent) : `\n${yaml(indent).trimEnd()}`;
  return { offset: end, newText };
}

const positionAt = (text: string, offset: number) => {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};

/**
 * "Create a test for this policy": a case with a plausible event (derived from the policy, run
 * through the evaluator for its expectation) appended to `tests/<file>.policytest.yaml`, or that
 * file created. File creation follows the client's capabilities, as the baseline action does.
 */
export async function createTestActions(ctx: ServerContext, params: CodeActionParams): Promise<CodeAction[]> {
  const only = params.context.only;
  if (only && !only.some((k) => CREATE_TEST_KIND === k || CREATE_TEST_KIND.startsWith(`${k}.`))) return [];
  const doc = ctx.documents.get(params.textDocument.uri);
  const value = doc?.analysis.doc?.value;
  if (!doc || !EVALUATED.has(doc.analysis.dialect.id) || !value || typeof value !== 'object') return [];
  const at = nameNode(doc);
  const line = at ? doc.lines.positionAt(at.offset).line : 0;
  if (params.range.start.line > line || params.range.end.line < line) return [];
  const policy = URI.parse(doc.uri);
  const source: PolicySource = { uri: doc.uri, dialect: doc.analysis.dialect.id, value };
  // A chain's prerequisites live in other files: the test then loads the policy's whole folder.
  const chained = Array.isArray((value as { prerequisites?: unknown }).prerequisites);
  const folder = Utils.dirname(policy);
  const context = chained
    ? (await testPoliciesOf(ctx).load(Utils.joinPath(folder, '.create-test').toString(), ['.'])).sources
    : [];
  const suggested = suggestTestCase(source, context);
  const name =
    (doc.analysis.dialect.summary?.(value).name ?? Utils.basename(policy)) || Utils.basename(policy);
  const tests = await testsFolder(ctx, policy);
  const slug = Utils.basename(policy).replace(/(\.policy)?\.(ya?ml|json)$/i, '');
  const target = Utils.joinPath(tests, `${slug}.policytest.yaml`);
  const uri = target.toString();
  const shown = `${relativePath(Utils.dirname(tests).path, tests.path)}/${slug}.policytest.yaml`;
  const existing = ctx.documents.textDocuments.get(uri)?.getText() ?? (await ctx.runtime.fs.readFile(uri));
  let edit: WorkspaceEdit;
  let title: string;
  if (existing !== undefined) {
    const append = appendEdit(existing, (indent) => caseYaml(suggested, indent));
    if (!append) return [];
    const pos = positionAt(existing, append.offset);
    edit = { changes: { [uri]: [{ range: { start: pos, end: pos }, newText: append.newText }] } };
    title = `Add a test for "${name}" to ${shown}`;
  } else {
    const policies = relativePath(tests.path, chained ? folder.path : policy.path);
    const text = testFileYaml(suggested, policies, name);
    const zero = { line: 0, character: 0 };
    const insert = { range: { start: zero, end: zero }, newText: text };
    const ws = ctx.clientCapabilities().workspace?.workspaceEdit;
    edit =
      ws?.documentChanges && ws.resourceOperations?.includes('create')
        ? {
            documentChanges: [
              { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: true } },
              { textDocument: { uri, version: null }, edits: [insert] },
            ],
          }
        : // No file creation: an edit to the new file's URI, which clients that take it open unsaved.
          { changes: { [uri]: [insert] } };
    title = `Create a test for "${name}" in ${shown}`;
  }
  return [{ title, kind: CREATE_TEST_KIND, edit }];
}
