import { printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import type { Finding } from '../findings';
import { treeValue, type AstNode, type ObjectNode, type ArrayNode, type PropertyNode } from './ast';
import { tooDeepFinding } from './depth';
import { jsonDepthCrossing } from './jsonDepth';
import type { PositionedParse } from './yaml';

/** Where the visitor is: what the next value belongs to. */
type Frame =
  | { kind: 'root'; first: AstNode | null | undefined }
  | { kind: 'object'; node: ObjectNode; seen: Set<string> }
  | { kind: 'array'; node: ArrayNode }
  | { kind: 'property'; prop: PropertyNode; owner: ObjectNode; children: number };

/**
 * Builds the positioned tree straight from jsonc-parser's events. It is the tree `parseTree` would
 * give, converted (the same nodes, offsets and ends, also for a broken file), without holding
 * jsonc's own tree at the same time: on a 4 MB file of 380,000 keys the two trees together took
 * twice the memory of ours alone.
 */
function buildTree(text: string, errors: ParseError[], findings: Finding[]): AstNode | null {
  const root: Frame = { kind: 'root', first: undefined };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1];
  const parentNode = (): ObjectNode | ArrayNode | undefined => {
    const f = top();
    return f.kind === 'property' ? f.owner : f.kind === 'root' ? undefined : f.node;
  };
  /**
   * A value arrives in the current frame (parseTree's `onValue`). `null` is a child that converts to
   * nothing (a property outside an object): it takes its place, and no reader sees it.
   */
  const onValue = (node: AstNode | null) => {
    const f = top();
    if (f.kind === 'root') {
      if (f.first === undefined) f.first = node;
    } else if (f.kind === 'array') {
      if (node) f.node.items.push(node);
    } else if (f.kind === 'property') {
      // The key is the property's first child; its value the second. Anything more is ignored.
      if (++f.children === 2) f.prop.value = node;
    }
  };
  const completeProperty = (endOffset: number) => {
    const f = top();
    if (f.kind === 'property') {
      f.prop.end = endOffset;
      stack.pop();
    }
  };
  const close = (end: number) => {
    const f = top();
    if (f.kind === 'object' || f.kind === 'array') f.node.end = end;
    stack.pop();
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => {
        const node: ObjectNode = {
          type: 'object',
          properties: [],
          flow: true,
          offset,
          end: offset - 1,
          parent: parentNode(),
        };
        onValue(node);
        stack.push({ kind: 'object', node, seen: new Set() });
      },
      onObjectProperty: (name, offset, length) => {
        const f = top();
        const keyValue = String(name);
        const owner: ObjectNode =
          f.kind === 'object'
            ? f.node
            : { type: 'object', properties: [], flow: true, offset, end: offset, parent: undefined };
        const prop: PropertyNode = {
          key: { type: 'string', value: keyValue, style: 'json', offset, end: offset + length },
          value: null,
          offset,
          end: offset - 1,
          parent: owner,
        };
        if (f.kind === 'object') {
          if (f.seen.has(keyValue))
            findings.push({
              code: 'parse/duplicate-key',
              severity: 'error',
              message: `duplicate key "${keyValue}"`,
              span: { start: offset, end: offset + length },
            });
          f.seen.add(keyValue);
          f.node.properties.push(prop);
          stack.push({ kind: 'property', prop, owner: f.node, children: 1 });
        } else {
          // Not directly inside an object (the parser's error recovery never does this, but
          // parseTree would keep such a property where no reader finds it): the same here.
          onValue(null);
          stack.push({ kind: 'property', prop, owner, children: 1 });
        }
      },
      onObjectEnd: (offset, length) => {
        completeProperty(offset + length);
        close(offset + length);
        completeProperty(offset + length);
      },
      onArrayBegin: (offset) => {
        const node: ArrayNode = {
          type: 'array',
          items: [],
          flow: true,
          offset,
          end: offset - 1,
          parent: parentNode(),
        };
        onValue(node);
        stack.push({ kind: 'array', node });
      },
      onArrayEnd: (offset, length) => {
        close(offset + length);
        completeProperty(offset + length);
      },
      onLiteralValue: (value: unknown, offset, length) => {
        const end = offset + length;
        const parent = parentNode();
        if (typeof value === 'string') onValue({ type: 'string', value, style: 'json', offset, end, parent });
        else if (typeof value === 'number')
          onValue({ type: 'number', value, style: 'json', offset, end, parent });
        else if (typeof value === 'boolean')
          onValue({ type: 'boolean', value, style: 'json', offset, end, parent });
        else onValue({ type: 'null', value: null, style: 'json', offset, end, parent });
        completeProperty(end);
      },
      onSeparator: (sep, offset) => {
        if (sep === ',') completeProperty(offset);
      },
      onError: (error, offset, length) => {
        errors.push({ error, offset, length });
      },
    },
    { allowTrailingComma: false, disallowComments: true },
  );
  return root.first ?? null;
}

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'invalid symbol',
  InvalidNumberFormat: 'invalid number format',
  PropertyNameExpected: 'property name expected',
  ValueExpected: 'value expected',
  ColonExpected: 'colon expected',
  CommaExpected: 'comma expected',
  CloseBraceExpected: 'closing brace "}" expected',
  CloseBracketExpected: 'closing bracket "]" expected',
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unexpected end of comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * Parses JSON with positions; a syntax error is reported at its own offset, in JSON's words.
 * `withValue: false` leaves out the plain value, for a caller that already has it from JSON.parse.
 */
export function parseJsonPositioned(text: string, withValue = true): PositionedParse {
  // Nesting is bounded before the parse (jsonDepth.ts), as YAML's is: where jsonc-parser's visitor
  // and the readers of its tree run out of stack differs between processes, the bound does not.
  const crossing = jsonDepthCrossing(text);
  if (crossing >= 0) return { root: null, value: undefined, findings: [tooDeepFinding(text, crossing)] };
  const errors: ParseError[] = [];
  const duplicates: Finding[] = [];
  let root: AstNode | null;
  try {
    root = buildTree(text, errors, duplicates);
  } catch (e) {
    // Should a text within the bound still exhaust the stack, that is a finding too, never an
    // exception out of a ParsedDocument (analyze() places it at the start, as here).
    if (!(e instanceof RangeError)) throw e;
    return { root: null, value: undefined, findings: [tooDeepFinding(text, 0)] };
  }
  const findings: Finding[] = [];
  // jsonc-parser reports a trailing comma twice at the bracket ("property name expected", "value
  // expected"); it is one problem, said in the words a person knows it by, on the comma.
  let trailingAt = -1;
  for (const e of errors) {
    const name = printParseErrorCode(e.error);
    const start = Math.min(e.offset, text.length);
    if (start === trailingAt) continue;
    const comma = trailingComma(text, name, start);
    if (comma >= 0) {
      trailingAt = start;
      findings.push({
        code: 'json/syntax',
        severity: 'error',
        message: `JSON syntax error: trailing comma (JSON allows no comma before "${text[start]}")`,
        span: { start: comma, end: comma + 1 },
        fixes: [
          {
            title: 'Remove the trailing comma',
            edits: [{ start: comma, end: comma + 1, newText: '' }],
            isPreferred: true,
            safe: true,
          },
        ],
      });
      continue;
    }
    findings.push({
      code: 'json/syntax',
      severity: 'error',
      message: `JSON syntax error: ${MESSAGES[name] ?? name}`,
      span: { start, end: Math.min(text.length, start + Math.max(1, e.length)) },
    });
  }
  findings.push(...duplicates);
  const value = errors.length || !withValue ? undefined : treeValue(root);
  return { root, value, findings };
}

/**
 * The offset of the comma before a closing bracket that an error at `at` reports (a name or a
 * value expected where `}` or `]` stands), or -1 when the error is something else.
 */
function trailingComma(text: string, error: string, at: number): number {
  if (error !== 'PropertyNameExpected' && error !== 'ValueExpected') return -1;
  if (text[at] !== '}' && text[at] !== ']') return -1;
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return text[i] === ',' ? i : -1;
}
