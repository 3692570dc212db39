import { setFlagsFromString } from 'node:v8';

/**
 * Policies carry regular expressions that the engine runs against event text: a Preloop custom
 * pattern, an Agent Sentinel argument `pattern`, a CEL `matches()` in an Execlave expression. V8's
 * regular expressions backtrack, so a pattern such as `^(o+)+$` against 34 `o`s and a `!` never
 * finished: `eval`, `test`, `replay` and the editor's Test Explorer and impact view hung on it.
 *
 * This enables V8's linear-time engine for the regular expressions that ask for it (the `l` flag):
 * the engine builds every policy's pattern with it (`policyRegExp` in core/regexRisk.ts), and it
 * answers the same for every pattern it takes (all but backreferences and lookarounds). Nothing else
 * changes: the engine's own patterns (PII detectors, parsers) stay on the backtracking engine, which
 * is faster on long texts. (V8's other switch, moving any match that backtracks too much, was tried
 * first: its count runs over a whole scan, so the e-mail detector on a 1 MB input moved to the slow
 * engine, 0.4 → 9.4 s and 1.1 GB.)
 *
 * It is a V8 flag, set before the bundle is compiled (a code cache is accepted only under the flags it
 * was made with), by each process that evaluates policies: the CLI and the language server. Never
 * the extension host, which is the editor's process, not ours; there, policies' patterns are
 * ordinary RegExps.
 */
export function guardRegExps(): void {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine');
  } catch {
    // A runtime without the flag: patterns run as they are.
  }
}
