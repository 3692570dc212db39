import { isObj, str, strings, type Obj } from './context';
import { backReference } from '../regexDialect';
import { policyRegExp } from '../regexRisk';
import { withoutVerbose } from './verboseRegex';
import { compileConditions, type CompiledCondition } from './preloop-conditions';
import { BUILTIN_TYPES } from '../dialects/preloop/sensitive';
import { knownPiiTypes } from '../dialects/preloop/unknownPiiTypes';

export interface Workflow {
  name: string;
  timeout_seconds: number;
  approvals_required: number;
  approval_type: string;
}

export interface Tool {
  name: string;
  /** `tools[].source` as written (default `builtin`): builtin, mcp, http, agent or a server name. */
  source: string;
  enabled: boolean;
  workflow?: string;
  conditions: CompiledCondition[];
}

export interface ModelIoRule {
  id: string;
  target: string;
  enabled: boolean;
  workflow?: string;
  piiTypes?: string[];
  /** Whether the rule switches the injection and moderation detectors on (`true` or a mapping). */
  injection: boolean;
  moderation: boolean;
  conditions: CompiledCondition[];
}

export interface SensitiveRule {
  id: string;
  enabled: boolean;
  on: string[];
  scope: { agents: string[]; tools: string[]; servers: string[] };
  types: string[] | undefined;
  action: string;
  workflow?: string;
}

export interface Custom {
  name: string;
  find(text: string): boolean;
}

/**
 * What the documents evaluated together declare, shared by each of them: a tool declared by one
 * document is not unknown to another, and a workflow is found in whichever document declares it.
 * The first declaration (in the order the documents are read) is the one used.
 */
export interface PreloopSet {
  tools: Map<string, { doc: string; tool: Tool }>;
  workflows: Map<string, { doc: string; workflow: Workflow }>;
}

export interface CompiledPreloop {
  name: string;
  source: string;
  workflows: Map<string, Workflow>;
  /** The declarations of every document evaluated with this one (this one included). */
  set: PreloopSet;
  tools: Tool[];
  unknownTools: string;
  defaultWorkflow?: string;
  modelIo: ModelIoRule[];
  sensitive: SensitiveRule[];
  sensitiveTypes: string[] | undefined;
  custom: Custom[];
  /**
   * The PII types the document may name (built-in, custom patterns, keyword lists). Preloop refuses
   * a document naming any other; the evaluator detects nothing for one (lint's
   * preloop/unknown-pii-type).
   */
  knownTypes: Set<string>;
}

export { BUILTIN_TYPES };
export const MODEL_IO_PII_DEFAULT = ['email', 'phone', 'credit_card'];

export function customDetectors(detectors: Obj): Custom[] {
  const out: Custom[] = [];
  for (const p of Array.isArray(detectors.custom_patterns) ? detectors.custom_patterns.filter(isObj) : []) {
    const name = str(p.name);
    // Verbose mode (`x`) has no JavaScript flag: its whitespace and comments are taken out here.
    const read = withoutVerbose(str(p.regex) ?? '(?!)', strings(p.flags));
    const flags = read.flags.filter((f) => 'ims'.includes(f)).join('');
    // Preloop refuses a pattern with a back-reference (lint: preloop/custom-pattern-regex), so it
    // detects nothing here, like a pattern that does not compile.
    if (backReference(read.regex)) continue;
    try {
      const re = policyRegExp(read.regex, flags);
      if (name) out.push({ name, find: (t) => re.test(t) });
    } catch {
      // An invalid pattern finds nothing; lint reports it.
    }
  }
  for (const k of Array.isArray(detectors.keywords) ? detectors.keywords.filter(isObj) : []) {
    const name = str(k.name);
    const cs = k.case_sensitive === true;
    const terms = strings(k.terms).map((t) => (cs ? t : t.toLowerCase()));
    if (name)
      out.push({ name, find: (t) => terms.some((term) => (cs ? t : t.toLowerCase()).includes(term)) });
  }
  return out;
}

export function compilePreloop(uri: string, value: unknown): CompiledPreloop {
  const v: Obj = isObj(value) ? value : {};
  const meta = isObj(v.metadata) ? v.metadata : {};
  const workflows = new Map<string, Workflow>();
  for (const w of Array.isArray(v.approval_workflows) ? v.approval_workflows.filter(isObj) : []) {
    const name = str(w.name);
    if (name && !workflows.has(name))
      workflows.set(name, {
        name,
        timeout_seconds: typeof w.timeout_seconds === 'number' ? w.timeout_seconds : 300,
        approvals_required: typeof w.approvals_required === 'number' ? w.approvals_required : 1,
        approval_type: str(w.approval_type) ?? 'standard',
      });
  }
  const tools: Tool[] = (Array.isArray(v.tools) ? v.tools.filter(isObj) : []).map((t) => ({
    name: str(t.name) ?? '',
    source: str(t.source) ?? 'builtin',
    enabled: t.enabled !== false,
    ...(str(t.approval_workflow) ? { workflow: str(t.approval_workflow) } : {}),
    conditions: compileConditions(t.conditions, 'preloop'),
  }));
  const defaults = isObj(v.defaults) ? v.defaults : {};
  const modelIo: ModelIoRule[] = (Array.isArray(v.model_io) ? v.model_io.filter(isObj) : []).map((r) => {
    const det = isObj(r.detectors) ? r.detectors : {};
    const pii = det.pii === true ? MODEL_IO_PII_DEFAULT : isObj(det.pii) ? strings(det.pii.types) : undefined;
    return {
      id: str(r.id) ?? '',
      target: str(r.target) ?? '',
      enabled: r.enabled !== false,
      ...(str(r.approval_workflow) ? { workflow: str(r.approval_workflow) } : {}),
      ...(pii ? { piiTypes: pii.length ? pii : MODEL_IO_PII_DEFAULT } : {}),
      injection: det.injection === true || isObj(det.injection),
      moderation: det.moderation === true || isObj(det.moderation),
      conditions: compileConditions(r.conditions, 'preloop-model-io'),
    };
  });
  const sd = isObj(v.sensitive_data) ? v.sensitive_data : {};
  const det = isObj(sd.detectors) ? sd.detectors : {};
  const sensitive: SensitiveRule[] = (Array.isArray(sd.rules) ? sd.rules.filter(isObj) : []).map((r) => {
    const scope = isObj(r.scope) ? r.scope : {};
    return {
      id: str(r.id) ?? '',
      enabled: r.enabled !== false,
      on: strings(r.on),
      scope: { agents: strings(scope.agents), tools: strings(scope.tools), servers: strings(scope.servers) },
      types: Array.isArray(r.types) ? strings(r.types) : undefined,
      action: str(r.action) ?? 'notify',
      ...(str(r.approval_workflow) ? { workflow: str(r.approval_workflow) } : {}),
    };
  });
  const name = str(meta.name) ?? uri;
  const set: PreloopSet = { tools: new Map(), workflows: new Map() };
  for (const tool of tools) if (tool.name) set.tools.set(tool.name, { doc: name, tool });
  for (const workflow of workflows.values()) set.workflows.set(workflow.name, { doc: name, workflow });
  return {
    name,
    source: uri,
    workflows,
    set,
    tools,
    unknownTools: str(defaults.unknown_tools) ?? 'allow',
    ...(str(defaults.default_approval_workflow)
      ? { defaultWorkflow: str(defaults.default_approval_workflow) }
      : {}),
    modelIo,
    sensitive,
    sensitiveTypes: Array.isArray(det.types) ? strings(det.types) : undefined,
    custom: customDetectors(det),
    knownTypes: knownPiiTypes(v),
  };
}

/**
 * Compiles the Preloop documents evaluated together (a folder, several files) and gives them one
 * `PreloopSet`: Preloop applies documents into one account, where a tool or workflow declared by
 * one document exists for the others.
 */
export function compilePreloopSet(sources: readonly { uri: string; value: unknown }[]): CompiledPreloop[] {
  const docs = sources.map((s) => compilePreloop(s.uri, s.value));
  const set: PreloopSet = { tools: new Map(), workflows: new Map() };
  for (const doc of docs) {
    for (const [k, v] of doc.set.tools) if (!set.tools.has(k)) set.tools.set(k, v);
    for (const [k, v] of doc.set.workflows) if (!set.workflows.has(k)) set.workflows.set(k, v);
  }
  for (const doc of docs) doc.set = set;
  return docs;
}
