import { nanoUsd, num, pick, usd, type EventContext, type Obj } from './context';
import { countIn, record as recordTime } from './timeLog';
import type { CompiledRule, RuleOutcome, Tracks } from './execlave-types';
import { dayOf, periodOf, type ExeclavePolicyState } from './state';

/*
 * The Execlave rule types that count money or requests over time (cost_limit, budget_cap,
 * rate_limit): each reads the policy's own state, so they live apart from the stateless ones.
 */

/** Verdicts without messages, for a caller that wants the decision only (`quiet`). */
const FIRED: RuleOutcome = { fired: true };
const PASSED: RuleOutcome = { fired: false };

export function costLimit(rule: Obj): CompiledRule {
  const perExecution = num(pick(rule, 'max_cost_per_execution', 'maxCostPerTrace'));
  const daily = num(pick(rule, 'daily_budget', 'maxCostPerDay'));
  const dailyText = daily === undefined ? '' : usd(daily);
  return {
    tracks: daily !== undefined ? { spend: 'day' } : undefined,
    evaluate(ctx, state, _vars, quiet) {
      const cost = ctx.cost;
      if (perExecution !== undefined && nanoUsd(cost) > nanoUsd(perExecution))
        return quiet
          ? FIRED
          : {
              fired: true,
              message: `cost ${usd(cost)} USD exceeds max_cost_per_execution ${usd(perExecution)} USD`,
            };
      if (daily !== undefined) {
        const day = dayOf(ctx.atMs);
        const spent = state?.day === day ? (state.daySpent ?? 0) : 0;
        const over = nanoUsd(spent) + nanoUsd(cost) > nanoUsd(daily);
        if (quiet) return over ? FIRED : PASSED;
        const assumption =
          'daily_budget counts the cost of the requests this policy allowed on the same UTC day';
        if (over)
          return {
            fired: true,
            message: `daily budget exceeded: ${usd(spent)} + ${usd(cost)} > ${usd(daily)} USD (${day})`,
            assumption,
          };
        return {
          fired: false,
          message: `${usd(spent)} + ${usd(cost)} ≤ ${dailyText} USD today`,
          assumption,
        };
      }
      return quiet ? PASSED : { fired: false, message: `cost ${usd(cost)} USD within limits` };
    },
  };
}

export function budgetCap(rule: Obj): CompiledRule {
  const cap = num(pick(rule, 'monthly_cap_usd', 'monthlyCapUsd'));
  const pct = num(pick(rule, 'warning_threshold_pct', 'warningThresholdPct'));
  const capText = cap === undefined ? '' : usd(cap);
  const resetDay = Math.min(31, Math.max(1, Math.trunc(num(pick(rule, 'reset_day', 'resetDay')) ?? 1)));
  return {
    tracks: { spend: 'month', resetDay },
    evaluate(ctx, state, _vars, quiet) {
      if (cap === undefined) return { fired: false, notEvaluated: 'monthly_cap_usd is not a number' };
      const period = periodOf(ctx.atMs, resetDay);
      const spent = state?.period === period ? (state.monthSpent ?? 0) : 0;
      const total = spent + ctx.cost;
      const over = nanoUsd(spent) + nanoUsd(ctx.cost) > nanoUsd(cap);
      const warned = pct !== undefined && nanoUsd(spent) + nanoUsd(ctx.cost) >= nanoUsd((cap * pct) / 100);
      if (quiet && over) return FIRED;
      if (quiet && !warned) return PASSED;
      const assumption = `the month runs from day ${resetDay} (UTC) and counts the cost of the requests this policy allowed`;
      if (over)
        return {
          fired: true,
          message: `monthly cap exceeded: ${usd(spent)} + ${usd(ctx.cost)} > ${usd(cap)} USD (since ${period})`,
          assumption,
        };
      const out: RuleOutcome = {
        fired: false,
        message: `${usd(total)} of ${capText} USD since ${period}`,
        assumption,
      };
      if (warned)
        out.warning = `monthly spend ${usd(total)} of ${usd(cap)} USD reached the ${pct}% warning threshold`;
      return out;
    },
  };
}

export function rateLimit(rule: Obj): CompiledRule {
  const windows: [number, number, string][] = [];
  // The documented keys only (reference §1.4): a snake_case spelling is what lint calls an unknown
  // rule key the product ignores, so a test that passed on it predicted a limit that never applies.
  const perMinute = num(rule.maxRequestsPerMinute);
  const perHour = num(rule.maxRequestsPerHour);
  if (perMinute !== undefined) windows.push([60_000, perMinute, 'minute']);
  if (perHour !== undefined) windows.push([3_600_000, perHour, 'hour']);
  return {
    tracks: { requests: true },
    evaluate(ctx, state, _vars, quiet) {
      if (!windows.length)
        return { fired: false, notEvaluated: 'no maxRequestsPerMinute or maxRequestsPerHour' };
      const assumption =
        'sliding windows over the requests this policy applied to (blocked ones included), this one counted';
      for (const [span, max, label] of windows) {
        const count = countIn(state?.requests, ctx.atMs - span, ctx.atMs) + 1;
        if (count > max && quiet) return FIRED;
        if (count > max)
          return {
            fired: true,
            message: `${count} requests in the last ${label} > ${max} per ${label}`,
            assumption,
          };
      }
      return quiet ? PASSED : { fired: false, message: 'within the rate limit', assumption };
    },
  };
}

/**
 * One policy's state after an event it applied to (`went`: the request went through), changed in
 * place: the caller holds a copy of its own (replay's second stage holds all its states).
 */
export function advancePolicyState(
  tracks: Tracks,
  st: ExeclavePolicyState,
  ctx: EventContext,
  went: boolean,
): void {
  if (tracks.requests) st.requests = recordTime(st.requests, ctx.atMs - 3_600_000, ctx.atMs);
  if (tracks.spend && went && ctx.cost) {
    // A late event (recorded traffic out of order, merged logs) belongs to a day or a month already
    // past: its cost does not reset the current one's spend, which let the next request spend the
    // whole budget again (a field test: 1.20 USD through a 1.00 USD day).
    if (tracks.spend === 'day') {
      const day = dayOf(ctx.atMs);
      if (st.day !== undefined && day < st.day) return;
      st.daySpent = (st.day === day ? (st.daySpent ?? 0) : 0) + ctx.cost;
      st.day = day;
    } else {
      const period = periodOf(ctx.atMs, tracks.resetDay ?? 1);
      if (st.period !== undefined && period < st.period) return;
      st.monthSpent = (st.period === period ? (st.monthSpent ?? 0) : 0) + ctx.cost;
      st.period = period;
    }
  }
}
