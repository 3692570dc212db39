// Long chains of `||` and `&&` are regrouped as balanced trees (core/cel/balance.ts): the library's
// checker and evaluator recurse once per operand, and a chain of 2,400 short terms (19,000
// characters, under the 20,000 the engine checks) exhausted the stack. Regrouping must not change
// any answer: random chains are evaluated with the parser's shape and with the balanced one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Environment } from '@marcbachmann/cel-js';
import { balanceLogicalChains } from '../../server/src/core/cel/balance';
import { checkCel } from '../../server/src/core/cel/check';
import { CelFailure, compileCel } from '../../server/src/core/eval/cel';

// Operands that are true, false, an error (a missing key), and a non-boolean (an error too).
const OPERANDS = ['true', 'false', 'm.missing', 'm.n > 1', 'm.n == 1', 'm.s', '1 / m.zero == 1'];

/** A chain of one operator over operands and (at the first level) parenthesised chains. */
const chain = (depth: number): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(' || ', ' && '),
      fc.array(
        depth < 2
          ? fc.oneof(
              { weight: 9, arbitrary: fc.constantFrom(...OPERANDS) },
              { weight: 1, arbitrary: chain(depth + 1).map((c) => `(${c})`) },
            )
          : fc.constantFrom(...OPERANDS),
        { minLength: 1, maxLength: depth ? 8 : 120, size: 'max' },
      ),
    )
    .map(([op, terms]) => terms.join(op));

const env = new Environment({ homogeneousAggregateLiterals: false }).registerVariable('m', 'map');
const vars = { m: { n: 1n, s: 'text', zero: 0n } };

function outcome(expression: string, balance: boolean): string {
  try {
    const parsed = env.parse(expression);
    if (balance) balanceLogicalChains(parsed.ast);
    return `value ${String(parsed(vars))}`;
  } catch (e) {
    return `error ${(e as Error).message.split('\n')[0]}`;
  }
}

describe('balanced logical chains', () => {
  it('give every random chain the answer of the parsed tree', () => {
    let long = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(chain(0), (expression) => {
        if (expression.split(/\|\||&&/).length > 64) long++;
        const expected = outcome(expression, false);
        seen.add(expected.split(' ').slice(0, 2).join(' '));
        assert.equal(outcome(expression, true), expected);
      }),
      { numRuns: 400 },
    );
    // The cases cover long chains and each kind of answer.
    assert.ok(long > 100, `${long} long chains`);
    assert.ok(seen.has('value true') && seen.has('value false'), [...seen].join(', '));
    assert.ok(
      [...seen].some((s) => s.startsWith('error')),
      [...seen].join(', '),
    );
  });

  it('check and run a chain of 2,375 terms', () => {
    for (const op of ['||', '&&']) {
      // 19,002 characters: under the 20,000 that lint checks.
      const text = `cost>9${op}`.repeat(2374) + 'cost > 1.0';
      assert.deepEqual(checkCel(text, 'execlave').issues, [], op);
      const program = compileCel(text, 'execlave');
      assert.ok(program.ok, op);
      const value = program.run({ cost: 0.5 });
      assert.ok(!(value instanceof CelFailure), String((value as CelFailure).error));
      assert.equal(value, false);
      assert.equal(program.run({ cost: 10 }), true);
    }
  });

  it('run a chain of 20,000 terms (the evaluator has no length limit)', () => {
    for (const op of ['||', '&&']) {
      const program = compileCel(`cost>9${op}`.repeat(20_000) + 'cost > 1.0', 'execlave');
      assert.ok(program.ok, op);
      assert.equal(program.run({ cost: 0.5 }), false, op);
      assert.equal(program.run({ cost: 10 }), true, op);
    }
  });
});
