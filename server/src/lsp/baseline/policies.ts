/**
 * The five baseline policies. The first four are the exact request bodies of the "Instant setup"
 * prompt of execlave-policies-and-security.txt; its fifth step is SDK code, not a policy, so the
 * fifth bundle is an expression (CEL) policy built only from documented parts (see
 * docs/decisions/lsp.md).
 */
export const BASELINE_POLICIES: Record<string, unknown>[] = [
  {
    name: 'Block Prompt Injection',
    policyType: 'injection_scan',
    enforcementMode: 'block',
    ruleDefinition: {
      patterns: ['ignore previous instructions', 'system prompt'],
      action: 'block',
      scan_input: true,
      scan_output: true,
    },
    appliesToAgents: [],
    isActive: true,
  },
  {
    name: 'PII Protection',
    policyType: 'pii_access',
    enforcementMode: 'monitor',
    ruleDefinition: { denied_pii_types: ['ssn', 'credit_card'], mask_output: true, log_access: true },
    appliesToAgents: [],
    isActive: true,
  },
  {
    name: 'Daily Cost Limit',
    policyType: 'cost_limit',
    enforcementMode: 'block',
    ruleDefinition: { max_cost_per_execution: 5.0, daily_budget: 50.0 },
    appliesToAgents: [],
    isActive: true,
  },
  {
    name: 'Monthly Budget Cap',
    policyType: 'budget_cap',
    enforcementMode: 'block',
    ruleDefinition: { monthly_cap_usd: 1000.0, warning_threshold_pct: 80, reset_day: 1 },
    appliesToAgents: [],
    isActive: true,
  },
  {
    name: 'Require Approval for Costly Production Calls',
    policyType: 'expression',
    enforcementMode: 'require_approval',
    ruleDefinition: { expression: 'environment == "production" && cost > 2.5' },
    appliesToAgents: [],
    isActive: true,
  },
];

/** `Block Prompt Injection` → `block-prompt-injection`. */
export function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'policy'
  );
}
