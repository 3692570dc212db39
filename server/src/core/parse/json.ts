import { parseTree, printParseErrorCode, type Node as JNode, type ParseError } from 'jsonc-parser';
import type { Finding } from '../findings';
import type { AstNode, ObjectNode, ArrayNode, PropertyNode } from './ast';
import type { PositionedParse } from './yaml';

function convert(
  node: JNode | undefined,
  findings: Finding[],
  parent?: ObjectNode | ArrayNode,
): AstNode | null {
  if (!node) return null;
  const offset = node.offset;
  const end = node.offset + node.length;
  switch (node.type) {
    case 'object': {
      const obj: ObjectNode = { type: 'object', properties: [], flow: true, offset, end, parent };
      const seen = new Set<string>();
      for (const p of node.children ?? []) {
        const k = p.children?.[0];
        if (!k) continue;
        const keyValue = String(k.value);
        if (seen.has(keyValue))
          findings.push({
            code: 'parse/duplicate-key',
            severity: 'error',
            message: `duplicate key "${keyValue}"`,
            span: { start: k.offset, end: k.offset + k.length },
          });
        seen.add(keyValue);
        const prop: PropertyNode = {
          key: { type: 'string', value: keyValue, style: 'json', offset: k.offset, end: k.offset + k.length },
          value: null,
          offset: p.offset,
          end: p.offset + p.length,
          parent: obj,
        };
        prop.value = convert(p.children?.[1], findings, obj);
        obj.properties.push(prop);
      }
      return obj;
    }
    case 'array': {
      const arr: ArrayNode = { type: 'array', items: [], flow: true, offset, end, parent };
      for (const c of node.children ?? []) {
        const v = convert(c, findings, arr);
        if (v) arr.items.push(v);
      }
      return arr;
    }
    case 'string':
      return { type: 'string', value: node.value as string, style: 'json', offset, end, parent };
    case 'number':
      return { type: 'number', value: node.value as number, style: 'json', offset, end, parent };
    case 'boolean':
      return { type: 'boolean', value: node.value as boolean, style: 'json', offset, end, parent };
    case 'null':
      return { type: 'null', value: null, style: 'json', offset, end, parent };
    default:
      return null;
  }
}

function toValue(node: AstNode | null): unknown {
  if (!node) return null;
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of node.properties) o[p.key.value] = toValue(p.value);
      return o;
    }
    case 'array':
      return node.items.map(toValue);
    case 'alias':
      return null;
    default:
      return node.value;
  }
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

/** Parses JSON with positions; a syntax error is reported at its own offset, in JSON's words. */
export function parseJsonPositioned(text: string): PositionedParse {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const findings: Finding[] = [];
  for (const e of errors) {
    const name = printParseErrorCode(e.error);
    const start = Math.min(e.offset, text.length);
    findings.push({
      code: 'json/syntax',
      severity: 'error',
      message: `JSON syntax error: ${MESSAGES[name] ?? name}`,
      span: { start, end: Math.min(text.length, start + Math.max(1, e.length)) },
    });
  }
  const root = convert(tree, findings);
  const value = errors.length ? undefined : toValue(root);
  return { root, value, findings };
}
