/**
 * What the tests of the registry's doors (registry-doors.test.ts) share: the server they knock on,
 * the keys they hold, and the counts of requests and refusals the run reports at its end.
 */
import assert from 'node:assert/strict';
import type { Backend } from '../../registry/backends';
import { http, type Reply, type Serve } from '../support/registry';

export const KEY = 'plk_hardening_seed_key_0123456789';
export const counts = { requests: 0, refused: 0, serverErrors: 0 };

export interface Doors {
  backend: Backend;
  s: Serve;
  /** A key of another org, which owns one policy of its own. */
  otherKey: string;
  /** The id of acme's policy. */
  idA: string;
  /** Every credential presented during the run: none may appear in the server's output. */
  presented: Set<string>;
}

export const bundle = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  policyType: 'expression',
  enforcementMode: 'block',
  ruleDefinition: { expression: 'cost > 1.0' },
  ...extra,
});

/** A request that is counted and must not fail with a 5xx. */
export async function call(...args: Parameters<typeof http>): Promise<Reply> {
  counts.requests++;
  const r = await http(...args);
  if (r.status >= 500) counts.serverErrors++;
  assert.ok(r.status < 500, `${args[1]} ${args[2]}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

export const as = (key: string) => ({ 'X-API-Key': key });

/** Every authenticated route, aimed at acme's policy where a route takes an id. */
export const routes = (idA: string): [string, string, unknown?][] => [
  ['GET', '/whoami'],
  ['GET', '/policies'],
  ['POST', '/policies', bundle('intruder')],
  ['GET', `/policies/${idA}`],
  ['PUT', `/policies/${idA}`, bundle('acme-policy', { enforcementMode: 'monitor' })],
  ['PATCH', `/policies/${idA}`, { isActive: false }],
  ['DELETE', `/policies/${idA}`],
  ['GET', `/policies/${idA}/history`],
  ['GET', '/audit/verify'],
];
