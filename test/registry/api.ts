/** The registry's HTTP API as the suites speak to it: one request, and a policy bundle to send. */
import type { Registry } from '../../registry/index';
import type { PolicyFields } from '../../registry/policies/model';

export interface Json {
  [k: string]: unknown;
}

/** One request to the registry's API, with the key when given; the status and the parsed body. */
export async function call(
  registry: Registry,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${registry.url}/api/v1${path}`, {
    method,
    headers: { ...(key ? { 'X-API-Key': key } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json & { data: Json & Json[] } };
}

export const bundle = (name: string, extra: Json = {}) => ({
  name,
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost > 1.0' },
  ...extra,
});

/** A policy's fields as the store takes them (tests that call it without HTTP), with overrides. */
export const storeFields = (name: string, extra: Partial<PolicyFields> = {}): PolicyFields => ({
  name,
  policyType: 'rate_limit',
  enforcementMode: 'log_only',
  ruleDefinition: { maxRequestsPerMinute: 60 },
  metadata: {},
  appliesToAgents: [],
  isActive: true,
  prerequisites: [],
  evaluationOrder: 0,
  chainTrigger: 'always',
  ...extra,
});
