import type { PathSegment } from '../parse/ast';
import { declaredActions } from './agentsentinel/shared-rules';
import { CALLGUARD, PLATFORM, type Layout } from './agentsentinel/view';
import { preloopNames } from './preloop';
import { isPiiTypeItem, piiTypeCandidates } from './preloop/piiTypes';

/** A name a reference may take, for completion inside the document. */
export interface NameCandidate {
  label: string;
  detail: string;
  /** Where the name is declared (the path of its `name` value), for go-to-definition. */
  declaredAt?: PathSegment[];
}

const WORKFLOW_REFS: ((p: readonly PathSegment[]) => boolean)[] = [
  (p) => p.length === 3 && p[0] === 'tools' && p[2] === 'approval_workflow',
  (p) => p.length === 3 && p[0] === 'approval_workflows' && p[2] === 'escalation_workflow',
  (p) => p.length === 2 && p[0] === 'defaults' && p[1] === 'default_approval_workflow',
  (p) => p.length === 3 && p[0] === 'model_io' && p[2] === 'approval_workflow',
  (p) => p.length === 4 && p[0] === 'sensitive_data' && p[1] === 'rules' && p[3] === 'approval_workflow',
];

const SOURCES: [string, string][] = [
  ['builtin', 'A Preloop built-in tool'],
  ['mcp', 'A tool of some MCP server'],
  ['http', 'An HTTP tool'],
  ['agent', 'An agent tool'],
];

function indexOfName(list: unknown, name: string): number {
  return Array.isArray(list)
    ? list.findIndex((x) => !!x && typeof x === 'object' && (x as Record<string, unknown>).name === name)
    : -1;
}

function preloopCandidates(value: unknown, path: readonly PathSegment[]): NameCandidate[] | undefined {
  const doc = (value ?? {}) as Record<string, unknown>;
  if (isPiiTypeItem(path)) return piiTypeCandidates(value, path);
  const { workflows, servers } = preloopNames(value);
  if (WORKFLOW_REFS.some((f) => f(path))) {
    const self =
      path[0] === 'approval_workflows'
        ? (doc.approval_workflows as unknown[])?.[path[1] as number]
        : undefined;
    const selfName = self && typeof self === 'object' ? (self as Record<string, unknown>).name : undefined;
    return [...new Set(workflows)]
      .filter((w) => w !== selfName)
      .map((w) => ({
        label: w,
        detail: 'approval workflow',
        declaredAt: ['approval_workflows', indexOfName(doc.approval_workflows, w), 'name'],
      }));
  }
  if (path.length === 3 && path[0] === 'tools' && path[2] === 'source')
    return [
      ...[...new Set(servers)].map((s) => ({
        label: s,
        detail: 'MCP server',
        declaredAt: ['mcp_servers', indexOfName(doc.mcp_servers, s), 'name'] as PathSegment[],
      })),
      ...SOURCES.map(([label, detail]) => ({ label, detail })),
    ];
  return undefined;
}

function isActionRef(layout: Layout, path: readonly PathSegment[]): boolean {
  const under = (base: PathSegment[], extra: number) =>
    path.length === base.length + extra && base.every((seg, i) => path[i] === seg);
  const req = layout.evidence_requirements;
  const gr = layout.grounding_rules;
  return (
    (under(req, 2) && typeof path[path.length - 1] === 'number') ||
    (under(gr, 3) && path[path.length - 1] === 'source_action')
  );
}

/**
 * The names that fit the value at `path` of a document: approval workflows and MCP servers in a
 * Preloop document, declared actions in an Agent Sentinel policy. Undefined when the value there
 * is not a reference.
 */
export function referenceCandidates(
  dialectId: string,
  value: unknown,
  path: readonly PathSegment[],
): NameCandidate[] | undefined {
  if (dialectId === 'preloop') return preloopCandidates(value, path);
  const layout = dialectId === 'agentsentinel' ? PLATFORM : dialectId === 'callguard' ? CALLGUARD : undefined;
  if (layout && isActionRef(layout, path))
    return declaredActions(value, layout).map((a) => ({
      label: a,
      detail: 'declared action',
      declaredAt: actionDeclaration(value, layout, a),
    }));
  return undefined;
}

/** The first list item or map key that declares an action, lists before maps. */
function actionDeclaration(value: unknown, layout: Layout, action: string): PathSegment[] | undefined {
  const at = (path: PathSegment[]): unknown =>
    path.reduce<unknown>(
      (cur, seg) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined),
      value,
    );
  for (const list of [
    layout.evidence_actions,
    layout.commit_actions,
    layout.allowed_actions,
    layout.denied_actions,
    layout.approval_actions,
  ]) {
    if (!list) continue;
    const items = at(list);
    const i = Array.isArray(items) ? items.indexOf(action) : -1;
    if (i >= 0) return [...list, i];
  }
  for (const map of [layout.rate_limits, layout.action_budgets, layout.argument_constraints]) {
    const m = at(map);
    if (m && typeof m === 'object' && !Array.isArray(m) && action in m) return [...map, action];
  }
  return undefined;
}

/** Where the name referenced at `path` is declared (the path of its `name`), for go-to-definition. */
export function referenceTarget(
  dialectId: string,
  value: unknown,
  path: readonly PathSegment[],
  name: string,
): PathSegment[] | undefined {
  const target = referenceCandidates(dialectId, value, path)?.find(
    (c) =>
      c.label === name ||
      (path[path.length - 1] === 'source' && c.label.toLowerCase() === name.toLowerCase()),
  );
  return target?.declaredAt && !target.declaredAt.includes(-1) ? target.declaredAt : undefined;
}

/** Every place of a Preloop document that names one workflow or one MCP server. */
export interface NameOccurrences {
  name: string;
  kind: 'approval workflow' | 'MCP server';
  declarations: PathSegment[][];
  references: PathSegment[][];
}

function workflowReferencePaths(doc: Record<string, unknown>): PathSegment[][] {
  const out: PathSegment[][] = [];
  const each = (key: string, field: string, base: PathSegment[] = [key]) => {
    const list = base.reduce<unknown>(
      (cur, seg) => (cur as Record<string, unknown> | undefined)?.[seg as string],
      doc,
    );
    if (Array.isArray(list)) list.forEach((_x, i) => out.push([...base, i, field]));
  };
  each('tools', 'approval_workflow');
  each('approval_workflows', 'escalation_workflow');
  each('model_io', 'approval_workflow');
  each('sensitive_data', 'approval_workflow', ['sensitive_data', 'rules']);
  out.push(['defaults', 'default_approval_workflow']);
  return out;
}

function valueAtPath(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const seg of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

/**
 * The declaration and the references of the workflow or server named at `path` (either its
 * `name` or a reference to it) in a Preloop document: what find-references and rename need.
 */
export function nameOccurrences(
  dialectId: string,
  value: unknown,
  path: readonly PathSegment[],
): NameOccurrences | undefined {
  if (dialectId !== 'preloop' || !value || typeof value !== 'object') return undefined;
  const doc = value as Record<string, unknown>;
  const name = valueAtPath(value, path);
  if (typeof name !== 'string') return undefined;
  const isDecl = (list: string) =>
    path.length === 3 && path[0] === list && typeof path[1] === 'number' && path[2] === 'name';
  const names = (list: string) =>
    Array.isArray(doc[list])
      ? (doc[list] as unknown[]).map((x, i) => [valueAtPath(x, ['name']), i] as const)
      : [];
  if (isDecl('approval_workflows') || WORKFLOW_REFS.some((f) => f(path))) {
    return {
      name,
      kind: 'approval workflow',
      declarations: names('approval_workflows')
        .filter(([n]) => n === name)
        .map(([, i]) => ['approval_workflows', i, 'name']),
      references: workflowReferencePaths(doc).filter((p) => valueAtPath(value, p) === name),
    };
  }
  const isSource = path.length === 3 && path[0] === 'tools' && path[2] === 'source';
  if (
    isDecl('mcp_servers') ||
    (isSource &&
      names('mcp_servers').some(([n]) => typeof n === 'string' && n.toLowerCase() === name.toLowerCase()))
  ) {
    const lower = name.toLowerCase();
    const tools = Array.isArray(doc.tools) ? (doc.tools as unknown[]) : [];
    return {
      name,
      kind: 'MCP server',
      declarations: names('mcp_servers')
        .filter(([n]) => typeof n === 'string' && n.toLowerCase() === lower)
        .map(([, i]) => ['mcp_servers', i, 'name']),
      references: tools
        .map((_t, i) => ['tools', i, 'source'] as PathSegment[])
        .filter((p) => {
          const v = valueAtPath(value, p);
          return typeof v === 'string' && v.toLowerCase() === lower;
        }),
    };
  }
  return undefined;
}
