/**
 * The policy resource: how a stored row becomes the API's JSON, the defaults a write fills in, and
 * the field-level diff between two versions that the audit log records.
 */
import { FIELD_DEFAULTS, WRITABLE_FIELDS } from '../../server/src/core/index';
import { sameJson } from '../canonical';
import type { Diff } from '../audit';

/** The fields a client writes: exactly the bundle's (the same list sync compares). */
export const WRITABLE = WRITABLE_FIELDS;
export type WritableField = (typeof WRITABLE)[number];

/** Fields the server owns; clients may send them back (see routes) but cannot set them. */
export const READ_ONLY = ['id', 'version', 'createdAt', 'updatedAt'] as const;

export interface PolicyFields {
  name: string;
  policyType: string;
  enforcementMode: string;
  ruleDefinition: Record<string, unknown>;
  metadata: Record<string, unknown>;
  appliesToAgents: string[];
  isActive: boolean;
  prerequisites: string[];
  evaluationOrder: number;
  chainTrigger: string;
}

export interface Policy extends PolicyFields {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The values an omitted optional field takes, as in the bundle schema's `default`s. */
export const DEFAULTS = FIELD_DEFAULTS as Pick<
  PolicyFields,
  'metadata' | 'appliesToAgents' | 'isActive' | 'prerequisites' | 'evaluationOrder' | 'chainTrigger'
>;

/** A validated body (schema already checked) with defaults filled in. */
export function withDefaults(body: Record<string, unknown>): PolicyFields {
  const pick = <K extends keyof typeof DEFAULTS>(k: K): (typeof DEFAULTS)[K] =>
    body[k] === undefined || body[k] === null
      ? structuredClone(DEFAULTS[k])
      : (body[k] as (typeof DEFAULTS)[K]);
  return {
    name: body.name as string,
    policyType: body.policyType as string,
    enforcementMode: body.enforcementMode as string,
    ruleDefinition: body.ruleDefinition as Record<string, unknown>,
    metadata: pick('metadata'),
    appliesToAgents: pick('appliesToAgents'),
    isActive: pick('isActive'),
    prerequisites: pick('prerequisites'),
    evaluationOrder: pick('evaluationOrder'),
    chainTrigger: pick('chainTrigger'),
  };
}

export interface PolicyRow {
  id: string;
  org_id: string;
  name: string;
  policy_type: string;
  enforcement_mode: string;
  rule_definition: Record<string, unknown>;
  metadata: Record<string, unknown>;
  applies_to_agents: string[];
  is_active: boolean;
  prerequisites: string[];
  evaluation_order: number;
  chain_trigger: string;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (d: Date | string): string => (d instanceof Date ? d : new Date(d)).toISOString();

export function fromRow(r: PolicyRow): Policy {
  return {
    id: r.id,
    name: r.name,
    policyType: r.policy_type,
    enforcementMode: r.enforcement_mode,
    ruleDefinition: r.rule_definition,
    metadata: r.metadata,
    appliesToAgents: r.applies_to_agents,
    isActive: r.is_active,
    prerequisites: r.prerequisites,
    evaluationOrder: r.evaluation_order,
    chainTrigger: r.chain_trigger,
    version: r.version,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Each writable field whose value differs, with its whole old and new value. */
export function diffFields(before: PolicyFields, after: PolicyFields): Diff {
  const diff: Diff = {};
  for (const f of WRITABLE) {
    if (!sameJson(before[f], after[f])) diff[f] = { from: before[f] ?? null, to: after[f] ?? null };
  }
  return diff;
}

export function fieldsOf(p: Policy): PolicyFields {
  const out = {} as Record<WritableField, unknown>;
  for (const f of WRITABLE) out[f] = p[f];
  return out as unknown as PolicyFields;
}
