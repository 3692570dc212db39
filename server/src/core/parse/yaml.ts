import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  type Document,
  type Node as YNode,
} from 'yaml';
import type { Finding } from '../findings';
import type { FindingCode } from '../rules';
import { LineIndex } from '../text';
import { MAX_YAML_DEPTH, tooDeepFinding, yamlDepthCrossing } from './depth';
import { mergeKeyFindings } from './yamlMergeKeys';
import { binaryFindings, binaryTag } from './yamlBinary';
import {
  aliasDepthCrossing,
  aliasSources,
  toJSWithAliases,
  unresolvedAliases,
  unresolvedMessage,
} from './yamlAliases';
import type { AstNode, ObjectNode, ArrayNode, PropertyNode, ScalarStyle, StringNode } from './ast';

export interface PositionedParse {
  root: AstNode | null;
  value: unknown;
  findings: Finding[];
}

/** An alias may be expanded at most this often when the value is built (a billion-laughs guard). */
const MAX_ALIAS_COUNT = 100;
/** At most this many syntax errors are reported per file. */
const MAX_SYNTAX_ERRORS = 5;

function style(t: string | undefined): ScalarStyle {
  switch (t) {
    case Scalar.QUOTE_SINGLE:
      return 'single';
    case Scalar.QUOTE_DOUBLE:
      return 'double';
    case Scalar.BLOCK_LITERAL:
      return 'literal';
    case Scalar.BLOCK_FOLDED:
      return 'folded';
    default:
      return 'plain';
  }
}

/** Called with the key node of each repeated key of a mapping (the second and later ones). */
type OnDuplicate = (key: YNode) => void;

function convert(
  text: string,
  node: YNode | null | undefined,
  fallback: number,
  parent?: ObjectNode | ArrayNode,
  onDuplicate?: OnDuplicate,
): AstNode | null {
  if (!node) return null;
  const [offset, valueEnd] = node.range ?? [fallback, fallback];
  if (isMap(node)) {
    const obj: ObjectNode = {
      type: 'object',
      properties: [],
      flow: !!node.flow,
      offset,
      end: valueEnd,
      parent,
    };
    // Repeated keys are found with a set: the yaml package's own `uniqueKeys` check compares every
    // pair with every other, and a mapping of 100,000 keys took minutes.
    const seen = new Set<string>();
    for (const pair of node.items) {
      const k = pair.key as YNode | null;
      if (onDuplicate && isScalar(k)) {
        const id = `${typeof k.value}:${String(k.value)}`;
        if (seen.has(id)) onDuplicate(k);
        else seen.add(id);
      }
      const kr = k?.range ?? [offset, offset];
      // A key that is a mapping or a list (`{a: 1}: x`) is named by its text as written. The yaml
      // package's own string of such a node is JSON of JSON for a key inside a key: its length
      // doubles at each level, and 40 unclosed braces (`{{{{…`) took gigabytes and killed the
      // language server.
      const keyValue = isScalar(k) ? String(k.value) : k ? text.slice(kr[0], kr[1]).trim() : '';
      const key: StringNode = {
        type: 'string',
        value: keyValue,
        style: isScalar(k) ? style(k.type) : 'plain',
        offset: kr[0],
        end: kr[1],
      };
      const prop: PropertyNode = { key, value: null, offset: kr[0], end: kr[1], parent: obj };
      const v = convert(text, pair.value as YNode | null, kr[1], obj, onDuplicate);
      prop.value = v;
      if (v) prop.end = v.end;
      obj.properties.push(prop);
    }
    return obj;
  }
  if (isSeq(node)) {
    const arr: ArrayNode = { type: 'array', items: [], flow: !!node.flow, offset, end: valueEnd, parent };
    for (const item of node.items) {
      const v = convert(text, item as YNode, offset, arr, onDuplicate);
      if (v) arr.items.push(v);
    }
    return arr;
  }
  if (isAlias(node)) return { type: 'alias', value: node.source, offset, end: valueEnd, parent };
  if (isScalar(node)) {
    const v = node.value;
    const s = style(node.type);
    if (typeof v === 'string') return { type: 'string', value: v, style: s, offset, end: valueEnd, parent };
    if (typeof v === 'number' || typeof v === 'bigint')
      return { type: 'number', value: Number(v), style: s, offset, end: valueEnd, parent };
    if (typeof v === 'boolean') return { type: 'boolean', value: v, style: s, offset, end: valueEnd, parent };
    if (v === null || v === undefined)
      return { type: 'null', value: null, style: s, offset, end: valueEnd, parent };
    return { type: 'string', value: String(v), style: s, offset, end: valueEnd, parent };
  }
  return null;
}

function errorFinding(code: FindingCode, message: string, start: number, end: number): Finding {
  return { code, severity: 'error', message, span: { start, end: Math.max(end, start) } };
}

/** Parses YAML with the `yaml` package, keeping the offsets of every key and value. */
export function parseYamlPositioned(text: string): PositionedParse {
  const findings: Finding[] = [];
  // Nesting is bounded before the parse (depth.ts): where the package's recursion runs out of stack
  // differs between processes, the bound does not.
  const crossing = yamlDepthCrossing(text);
  if (crossing >= 0) return { root: null, value: undefined, findings: [tooDeepFinding(text, crossing)] };
  // `logLevel: 'error'`: a key that is a mapping or a list makes the package call
  // `process.emitWarning` as it builds the value, which Node prints on the standard error of the
  // CLI and of the language server. The key is reported as a finding instead, like any other.
  const docs = parseAllDocuments(text, {
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    logLevel: 'error',
    // `!!binary` read by us, not by whichever build of the package is bundled (yamlBinary.ts).
    // First in the list, so that it wins over the package's own `!!binary`, which a `%YAML 1.1`
    // directive brings in with that version's schema (the first tag of a name is the one taken).
    customTags: (tags) => [binaryTag, ...tags],
  });
  const list: Document[] = Array.isArray(docs) ? (docs as Document[]) : [];
  if (list.length === 0) return { root: null, value: undefined, findings };
  const doc = list[0];
  // One broken token often makes the parser report dozens of follow-on errors; the first few,
  // one per line, are the ones a person can act on.
  const reportedLines = new Set<number>();
  let lines: LineIndex | undefined;
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    if (e.code !== 'DUPLICATE_KEY') {
      if (reportedLines.size >= MAX_SYNTAX_ERRORS) continue;
      const line = (lines ??= new LineIndex(text)).positionAt(start).line;
      if (reportedLines.has(line)) continue;
      reportedLines.add(line);
    }
    const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (e.code === 'MISSING_CHAR' && /quote/.test(msg)) {
      // An unterminated string is reported where the file ends; the opening quote is what to fix.
      const open = Math.max(text.lastIndexOf('"', start - 1), text.lastIndexOf("'", start - 1));
      const from = open >= 0 ? open : start;
      // The line ends before its CR as well: a range ending between CR and LF is not on any line.
      const eol = /[\r\n]/.exec(text.slice(from, from + 100_000));
      const lineEnd = eol ? from + eol.index : -1;
      findings.push(
        errorFinding(
          'yaml/syntax',
          'YAML syntax error: this string is never closed (missing closing quote)',
          from,
          lineEnd < 0 ? text.length : lineEnd,
        ),
      );
    } else if (/Maximum call stack/.test(msg)) {
      // The yaml package catches its own stack overflow on deep nesting and reports it as a syntax
      // error. The depth bound above refuses such a text first; should one pass it, the file gets
      // one finding at its start, with the code and message analyze() uses for the same case.
      findings.length = 0;
      findings.push(tooDeepFinding(text, 0));
      break;
    } else
      findings.push(
        errorFinding('yaml/syntax', `YAML syntax error: ${msg}`, start, end === start ? start + 1 : end),
      );
  }
  if (list.length > 1) {
    const second = list[1];
    const start = second.range?.[0] ?? text.length;
    findings.push({
      code: 'yaml/multiple-documents',
      severity: 'error',
      message: `a policy file declares one policy, but this file has ${list.length} YAML documents; only the first is analysed`,
      span: { start, end: Math.min(text.length, start + 3) },
    });
  }
  const duplicates: Finding[] = [];
  const root = convert(text, doc.contents as YNode | null, 0, undefined, (k) => {
    // The finding covers the whole key as written, quotes included; the message names it unquoted.
    const start = k.range?.[0] ?? 0;
    const key = /^[^:\n]*/.exec(text.slice(start))?.[0].trimEnd() ?? '';
    duplicates.push(
      errorFinding(
        'parse/duplicate-key',
        `duplicate key "${key.replace(/^["']|["']$/g, '')}"`,
        start,
        start + Math.max(1, key.length),
      ),
    );
  });
  if (!findings.some((f) => f.code === 'parse/too-deep'))
    findings.push(...duplicates, ...binaryFindings(doc, text), ...mergeKeyFindings(doc, text));
  let value: unknown = undefined;
  const sources = aliasSources(doc);
  const through = aliasDepthCrossing(doc, sources, MAX_YAML_DEPTH);
  if (through && findings.every((f) => f.code !== 'parse/too-deep')) {
    // Through its aliases the value nests past the bound (or without end): the same one finding as a
    // text past it, on the alias, and no value for anything to recurse through.
    const [from, to] = through.alias.range ?? [0, 1];
    const name = `*${through.alias.source}`;
    const message = through.cycle
      ? `the document is nested too deeply to analyse: the alias ${name} is inside its own anchor, so its value nests without end`
      : `the document is nested too deeply to analyse: the alias ${name} takes it past ${MAX_YAML_DEPTH} levels`;
    return {
      root,
      value: undefined,
      findings: [
        { ...tooDeepFinding(text, from), message, span: { start: from, end: Math.max(to, from + 1) } },
      ],
    };
  }
  if (findings.every((f) => f.code !== 'yaml/syntax' && f.code !== 'parse/too-deep')) {
    try {
      value = toJSWithAliases(doc, { maxAliasCount: MAX_ALIAS_COUNT }, sources);
    } catch (e) {
      const start = root?.offset ?? 0;
      const unresolved = unresolvedAliases(doc);
      for (const alias of unresolved) {
        const [from, to] = alias.range ?? [start, start + 1];
        const message = `YAML syntax error: ${unresolvedMessage(alias)}`;
        findings.push(errorFinding('yaml/syntax', message, from, Math.max(to, from + 1)));
      }
      if (!unresolved.length)
        findings.push({
          code: 'yaml/alias-limit',
          severity: 'error',
          message: `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions): ${(e as Error).message}`,
          span: { start, end: Math.min(text.length, start + 1) },
        });
    }
  }
  // The parser reports some errors one character past the end of the file (a key or a bracket it
  // expected there); the editor needs every range inside the document, so those end at its end.
  for (const f of findings) {
    f.span.start = Math.min(f.span.start, text.length);
    f.span.end = Math.min(Math.max(f.span.end, f.span.start), text.length);
  }
  return { root, value, findings };
}
