import type { Environment, ParseResult, TypeCheckResult } from '@marcbachmann/cel-js';

/**
 * A chain of `||` (or `&&`) longer than this is rebuilt as a balanced tree. Shorter chains keep the
 * parser's shape, so that the positions of their error messages do not move.
 */
const BALANCE_FROM = 64;

interface Node {
  op: string;
  args: unknown;
  start: number;
  end: number;
}

function isNode(x: unknown): x is Node {
  return (
    !!x &&
    typeof x === 'object' &&
    typeof (x as Node).op === 'string' &&
    typeof (x as { clone?: unknown }).clone === 'function'
  );
}

/**
 * Parses an expression as `env.parse` does, with every long chain of `||` or `&&` rebuilt as a
 * balanced tree. The library parses `a || b || … || z` into a tree as deep as the chain is long,
 * and its checker and evaluator recurse once per level: 2,400 terms (19,000 characters, under the
 * 20,000 the engine checks) exhausted the stack, so a policy the products accept was reported as
 * "nested too deeply" and failed closed at run time. CEL's logical operators are commutative over
 * errors (true wins wherever it is, else the first error, else false), so regrouping a chain does
 * not change its value; cel-go balances these chains the same way when it parses.
 */
export function parseBalanced(env: Environment, expression: string): ParseResult {
  const parsed = env.parse(expression);
  balanceLogicalChains(parsed.ast);
  return parsed;
}

/** `env.check(expression)` on the balanced tree: a parse error is a result, as there. */
export function checkBalanced(env: Environment, expression: string): TypeCheckResult {
  let parsed: ParseResult;
  try {
    parsed = parseBalanced(env, expression);
  } catch (error) {
    return { valid: false, error: error as TypeCheckResult['error'] };
  }
  return parsed.check();
}

/** Rebuilds, in place, each chain of one logical operator in the tree; the root stays the root. */
export function balanceLogicalChains(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length) {
    const x = pending.pop();
    if (Array.isArray(x)) {
      pending.push(...(x as unknown[]));
      continue;
    }
    if (!x || typeof x !== 'object') continue;
    if (!isNode(x)) {
      // The arguments of a comprehension are an object of nodes.
      if (Object.getPrototypeOf(x) === Object.prototype) pending.push(...Object.values(x));
      continue;
    }
    if (x.op !== '||' && x.op !== '&&') {
      pending.push(x.args);
      continue;
    }
    const { operands, links } = chainOf(x);
    if (operands.length > BALANCE_FROM) rebuild(operands, links);
    pending.push(...operands);
  }
}

/** The operands of the chain of `head.op` rooted at `head`, left to right, and its operator nodes. */
function chainOf(head: Node): { operands: Node[]; links: Node[] } {
  const operands: Node[] = [];
  const links: Node[] = [];
  const todo: Node[] = [head];
  while (todo.length) {
    const n = todo.pop() as Node;
    if (
      n.op === head.op &&
      Array.isArray(n.args) &&
      n.args.length === 2 &&
      isNode(n.args[0]) &&
      isNode(n.args[1])
    ) {
      links.push(n);
      todo.push(n.args[1], n.args[0]);
    } else operands.push(n);
  }
  return { operands, links };
}

/** The operands under the chain's operator nodes as a balanced tree; `links[0]` stays the head. */
function rebuild(operands: Node[], links: Node[]): void {
  let next = 0;
  const build = (lo: number, hi: number): Node => {
    if (hi - lo === 1) return operands[lo];
    const node = links[next++];
    const mid = (lo + hi) >>> 1;
    const left = build(lo, mid);
    const right = build(mid, hi);
    node.args = [left, right];
    node.start = left.start;
    node.end = right.end;
    return node;
  };
  build(0, operands.length);
}
