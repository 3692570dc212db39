import type { FixSpec, Problem } from '../../problem';
import { isObj, objectsOf, type Obj } from './util';

/** The detector results a model_io condition may read, and the detector that produces each. */
const RESULTS: [variable: string, detector: string, always: string][] = [
  ['pii', 'pii', 'pii.found is always false and pii.types_found always empty'],
  ['injection', 'injection', 'injection.score is always 0 and injection.matched_patterns always empty'],
  ['moderation', 'moderation', 'moderation.flagged is always false and moderation.categories always empty'],
];

/** Whether a detector is switched on: `true` or a mapping (`{types: [...]}`, `{backend: local}`). */
const on = (v: unknown) => v === true || isObj(v);

/**
 * A model_io condition that reads a detector's result (`pii.found`, `injection.score`, …) while its
 * rule switches that detector off or never configures it: the result keeps its empty value, so the
 * condition can never match as written. Quoted strings are left out of the search, so a condition
 * that compares text with "pii.found" is not taken for one that reads it.
 */
export function detectorResultProblems(doc: Obj): Problem[] {
  const out: Problem[] = [];
  for (const [rule, i] of objectsOf(doc.model_io)) {
    const detectors = isObj(rule.detectors) ? rule.detectors : undefined;
    for (const [c, j] of objectsOf(rule.conditions)) {
      if (typeof c.expression !== 'string') continue;
      const code = c.expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""');
      for (const [variable, detector, always] of RESULTS) {
        if (on(detectors?.[detector])) continue;
        const read = new RegExp(`(?<![\\w.])${variable}\\.(\\w+)`).exec(code);
        if (!read) continue;
        const fix: FixSpec = {
          kind: 'composite',
          title: `Switch on detectors.${detector}`,
          steps: [
            detectors
              ? { path: ['model_io', i, 'detectors'], fix: { kind: 'addKeys', entries: [[detector, true]] } }
              : {
                  path: ['model_io', i],
                  fix: { kind: 'addKeys', entries: [['detectors', { [detector]: true }]] },
                },
          ],
        };
        out.push({
          code: 'preloop/detector-not-configured',
          severity: 'warning',
          message: `the condition reads ${read[0]}, but model_io rule '${String(rule.id)}' ${detectors && detector in detectors ? `switches detectors.${detector} off` : `configures no ${detector} detector (detectors.${detector})`}: ${always}, so the condition can never match as written (a negated test always matches).`,
          path: ['model_io', i, 'conditions', j, 'expression'],
          target: 'value',
          ...(detectors && detector in detectors ? {} : { fixes: [fix] }),
        });
      }
    }
  }
  return out;
}
