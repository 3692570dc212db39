// CEL's `matches` runs its pattern on V8's linear-time engine (core/eval/cel.ts): the library's own
// builds an ordinary RegExp, and `^(o+)+$` against 34 `o`s and a `!` never returned. Calls are
// renamed outside string literals; the answers and the messages stay those of `matches`.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { guardRegExps } from '../../server/src/boot/regexp';
import { CelFailure, compileCel, withLinearMatches } from '../../server/src/core/eval/cel';

// What the CLI and the language server do at their start.
before(guardRegExps);

const run = (expression: string, vars: Record<string, unknown> = {}) => {
  const p = compileCel(expression, 'execlave');
  if (!p.ok) return p.error;
  const r = p.run(vars);
  return r instanceof CelFailure ? `failure: ${r.error}` : r;
};

describe('CEL matches in linear time', () => {
  it('renames the calls, and nothing inside a string literal', () => {
    const cases: [string, string][] = [
      ['input.matches("a+")', 'input.matchesInLinearTime("a+")'],
      ['input . matches ("a")', 'input . matchesInLinearTime ("a")'],
      ['"x.matches(y)" == input', '"x.matches(y)" == input'],
      [
        "'it''s'.matches('.') && '.matches(' != input",
        "'it''s'.matchesInLinearTime('.') && '.matches(' != input",
      ],
      ['"""a " .matches( b"""+input', '"""a " .matches( b"""+input'],
      [String.raw`r"\".matches(" + input`, String.raw`r"\".matchesInLinearTime(" + input`],
      [String.raw`"\".matches(" + input`, String.raw`"\".matches(" + input`],
      ['no calls here', 'no calls here'],
      // A comment is not a string: its quote opens nothing, and a call in it is not a call.
      [
        "true && // it's a check\ninput.matches('a')",
        "true && // it's a check\ninput.matchesInLinearTime('a')",
      ],
      ['input.size() > 0 // x.matches("y")', 'input.size() > 0 // x.matches("y")'],
      // Prefixes: raw and bytes, in either order.
      [String.raw`br"\".matches(" + input`, String.raw`br"\".matchesInLinearTime(" + input`],
      [String.raw`Rb"\".matches(" + input`, String.raw`Rb"\".matchesInLinearTime(" + input`],
      [String.raw`b"\".matches(" + input`, String.raw`b"\".matches(" + input`],
      // An unclosed single-quoted literal ends at its line (a syntax error), not at the end.
      ["'open\ninput.matches('a')", "'open\ninput.matchesInLinearTime('a')"],
    ];
    for (const [from, to] of cases) assert.equal(withLinearMatches(from), to, from);
  });

  it('answers as matches does, and names matches in its messages', () => {
    assert.equal(run('"refund 42".matches("[0-9]+")'), true);
    assert.equal(run('"refund".matches("^[0-9]+$")'), false);
    assert.equal(
      run('input.matches("(a)\\\\1")', { input: 'aa' }),
      true,
      'a backreference: an ordinary RegExp',
    );
    assert.equal(run('".matches(" == input', { input: '.matches(' }), true);
    assert.match(
      String(run('input.matches("(")', { input: 'a' })),
      /^failure: .*Invalid regular expression: \(/,
    );
    assert.match(String(run('1.matches("a")')), /matches/);
    assert.doesNotMatch(String(run('1.matches("a")')), /InLinearTime/);
  });

  it("reads RE2's forms that JavaScript reads otherwise: leading flags, \\A, \\z, (?P<name>)", () => {
    // `(?i)` was a syntax error to V8: the call failed at every event, a block on every request.
    assert.equal(run('input.matches("(?i)drop\\\\s+table")', { input: 'DROP  Table x' }), true);
    assert.equal(run('input.matches("(?is)a.b")', { input: 'A\nB' }), true);
    assert.equal(run('input.matches("(?m)^b$")', { input: 'a\nb\nc' }), true);
    // Without the reading, `\A` and `\z` were the letters A and z.
    assert.equal(run('input.matches("\\\\Adrop")', { input: 'Adrop' }), false);
    assert.equal(run('input.matches("\\\\Adrop")', { input: 'drop it' }), true);
    assert.equal(run('input.matches("(?m)\\\\Ab")', { input: 'a\nb' }), false, '\\A is the text start');
    assert.equal(run('input.matches("end\\\\z")', { input: 'the end' }), true);
    assert.equal(run('input.matches("end\\\\z")', { input: 'the endz' }), false);
    assert.equal(run('input.matches("[\\\\A]")', { input: 'A' }), true, 'in a class, as written');
    assert.equal(run('input.matches("(?P<w>a)(?P=w)")', { input: 'aa' }), true);
    assert.equal(run('matches(input, "(?i)^X")', { input: 'xy' }), true);
    // A flag group elsewhere is not read: an invalid pattern, as lint reports (cel/invalid-regex).
    assert.match(String(run('input.matches("a(?i)b")', { input: 'ab' })), /^failure: .*Invalid regular/);
  });

  it('gives an answer for a pattern that backtracks without end', () => {
    assert.equal(run('input.matches("^(o+)+$")', { input: `${'o'.repeat(34)}!` }), false);
    assert.equal(run('input.matches("^(o+)+$")', { input: 'o'.repeat(34) }), true);
    // A quote in a comment before the call hid it from the renaming (the fifth hunt): eval hung.
    const commented = 'true && // it\'s a check\ninput.matches("^(o+)+$")';
    assert.equal(run(commented, { input: `${'o'.repeat(34)}!` }), false);
  });

  it('has the global form, matches(text, pattern), on the same engine', () => {
    assert.equal(run('matches(input, "^a")', { input: 'abc' }), true);
    assert.equal(run('matches(input, "^b")', { input: 'abc' }), false);
    assert.equal(run('matches(input, "^(o+)+$")', { input: `${'o'.repeat(34)}!` }), false);
    assert.match(
      String(run('matches(input, "(")', { input: 'a' })),
      /^failure: .*Invalid regular expression/,
    );
  });
});
