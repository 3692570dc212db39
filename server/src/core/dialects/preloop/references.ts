import type { PathSegment } from '../../parse/ast';
import type { FixSpec, Problem } from '../../problem';
import type { FindingCode } from '../../rules';
import { SuggestIndex } from '../../suggestIndex';
import { available, isObj, objectsOf, type Obj } from './util';

/** Sources a tool may name that are not MCP servers (matched case-insensitively). */
const BUILTIN_SOURCES = ['builtin', 'mcp', 'http', 'agent'];

function names(list: unknown, key = 'name'): string[] {
  return objectsOf(list)
    .map(([o]) => o[key])
    .filter((n): n is string => typeof n === 'string');
}

function duplicates(list: unknown, listKey: string, key: string, what: string): Problem[] {
  const out: Problem[] = [];
  const first = new Map<string, number>();
  for (const [o, i] of objectsOf(list)) {
    const n = o[key];
    if (typeof n !== 'string') continue;
    const earlier = first.get(n);
    if (earlier === undefined) first.set(n, i);
    else
      out.push({
        code: 'preloop/duplicate-name',
        severity: 'error',
        message: `Duplicate ${what}: '${n}' (already declared at ${listKey}[${earlier}])`,
        path: [listKey, i, key],
        target: 'value',
      });
  }
  return out;
}

/**
 * The names a reference may take, with what every unknown reference's finding needs from them
 * computed once per document: a document of n workflows and n tools that all name a missing one
 * asks n questions of the same n names, which compared with every name (and listed in full in every
 * message) cost n² time and n² bytes of messages.
 */
class Candidates {
  private readonly set: Set<string>;
  private index: SuggestIndex | undefined = undefined;
  private listed: string | undefined = undefined;
  private unique: string[] | undefined = undefined;

  constructor(
    private readonly names: string[],
    private readonly label: string,
    /** Sources are matched case-insensitively; workflow names exactly. */
    private readonly key: (name: string) => string = (n) => n,
  ) {
    this.set = new Set(names.map(key));
  }

  has(name: string): boolean {
    return this.set.has(this.key(name));
  }

  /** `self`: the name of what refers (a workflow escalating), never offered as its own target. */
  problem(path: PathSegment[], code: FindingCode, message: string, value: string, self?: string): Problem {
    const near = (this.index ??= new SuggestIndex(this.names)).nearest(value).filter((n) => n !== self);
    // With no near name, a short list is offered whole.
    const unique = (this.unique ??= [...new Set(this.names)]).filter((n) => n !== self);
    const suggestions = near.length ? near : unique.length <= 5 ? unique : [];
    const fixes: FixSpec[] = suggestions.map((c, i) => ({
      kind: 'replaceValue',
      value: c,
      title: `Replace with "${c}"`,
      preferred: near.length > 0 && i === 0,
    }));
    return {
      code,
      severity: 'error',
      message: `${message}${near.length ? `; did you mean "${near[0]}"?` : '.'} ${this.label}: ${(this.listed ??= available(this.names))}`,
      path,
      target: 'value',
      ...(fixes.length ? { fixes } : {}),
    };
  }
}

/**
 * Preloop's cross-reference rules: unique names, and every workflow or server a document refers
 * to declared in the same document. Preloop stops at the first one and reports `$`; here each is
 * reported at the value that is wrong, all at once.
 */
export function referenceProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  out.push(...duplicates(doc.mcp_servers, 'mcp_servers', 'name', 'MCP server name'));
  out.push(...duplicates(doc.approval_workflows, 'approval_workflows', 'name', 'approval workflow name'));
  out.push(...duplicates(doc.model_io, 'model_io', 'id', 'model_io rule id'));
  const sd = isObj(doc.sensitive_data) ? doc.sensitive_data : {};
  out.push(...dupRules(sd));
  const workflows = new Candidates(names(doc.approval_workflows), 'Available policies');
  const servers = new Candidates(names(doc.mcp_servers), 'Available servers', (n) => n.toLowerCase());
  const wfRef = (path: PathSegment[], ref: unknown, message: string, self?: string) => {
    if (typeof ref === 'string' && !workflows.has(ref))
      out.push(workflows.problem(path, 'preloop/unknown-workflow', message, ref, self));
  };
  for (const [wf, i] of objectsOf(doc.approval_workflows))
    wfRef(
      ['approval_workflows', i, 'escalation_workflow'],
      wf.escalation_workflow,
      `Approval workflow '${String(wf.name)}' references unknown escalation_workflow '${String(wf.escalation_workflow)}'`,
      typeof wf.name === 'string' ? wf.name : undefined,
    );
  for (const [tool, i] of objectsOf(doc.tools)) {
    wfRef(
      ['tools', i, 'approval_workflow'],
      tool.approval_workflow,
      `Tool '${String(tool.name)}' references unknown approval workflow '${String(tool.approval_workflow)}'`,
    );
    const src = tool.source;
    if (typeof src === 'string' && !BUILTIN_SOURCES.includes(src.toLowerCase()) && !servers.has(src))
      out.push(
        servers.problem(
          ['tools', i, 'source'],
          'preloop/unknown-server',
          `Tool '${String(tool.name)}' references unknown MCP server '${src}' (a source is builtin, mcp, http, agent or a server declared under mcp_servers)`,
          src,
        ),
      );
  }
  for (const [rule, i] of objectsOf(doc.model_io))
    wfRef(
      ['model_io', i, 'approval_workflow'],
      rule.approval_workflow,
      `model_io rule '${String(rule.id)}' references unknown approval workflow '${String(rule.approval_workflow)}'`,
    );
  for (const [rule, i] of objectsOf(sd.rules))
    wfRef(
      ['sensitive_data', 'rules', i, 'approval_workflow'],
      rule.approval_workflow,
      `sensitive_data rule '${String(rule.id)}' references unknown approval workflow '${String(rule.approval_workflow)}'`,
    );
  if (isObj(doc.defaults))
    wfRef(
      ['defaults', 'default_approval_workflow'],
      doc.defaults.default_approval_workflow,
      `Default approval workflow '${String(doc.defaults.default_approval_workflow)}' not found`,
    );
  return out;
}

function dupRules(sd: Obj): Problem[] {
  return duplicates(sd.rules, 'rules', 'id', 'sensitive_data rule id').map((p) => ({
    ...p,
    path: ['sensitive_data', ...p.path],
    message: p.message.replace('at rules[', 'at sensitive_data.rules['),
  }));
}

/** Declared workflow and server names, for completion and go-to-definition inside the document. */
export function declaredNames(doc: unknown): { workflows: string[]; servers: string[] } {
  if (!isObj(doc)) return { workflows: [], servers: [] };
  return { workflows: names(doc.approval_workflows), servers: names(doc.mcp_servers) };
}
