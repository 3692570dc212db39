import { setFlagsFromString } from 'node:v8';

/**
 * Policies carry regular expressions that the engine runs against event text: a Preloop custom
 * pattern, an Agent Sentinel argument `pattern`, a CEL `matches()` in an Execlave expression. V8's
 * regular expressions backtrack, so a pattern such as `^(o+)+$` against 34 `o`s and a `!` never
 * finished: `eval`, `test`, `replay` and the editor's impact view hung on it. (The products
 * themselves differ: CEL's `matches` is RE2, linear by design; Preloop rejects nested quantifiers,
 * which lint reports; Python's `re` behind Agent Sentinel backtracks too.)
 *
 * This asks V8 to move a match that backtracks too much (50,000 backtracks, its default) to its
 * linear-time engine, which answers the same for every pattern it accepts: every pattern without
 * backreferences or lookarounds. It is a V8 flag, set before the bundle is compiled (the code
 * cache records the flags it was made with, so every start sets it at the same point), by each
 * process that evaluates policies: the CLI and the language server. Never the extension host,
 * which is the editor's process, not ours.
 */
export function guardRegExps(): void {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  } catch {
    // A runtime without the flag: patterns run as they are.
  }
}
