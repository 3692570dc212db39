import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { languageOf, ParsedDocument, readEvent, type EvalEvent } from '../../core/index';
import { reason, InputError } from '../files';

/**
 * Reads `--event`: a file (JSON or YAML, by its name) or `-` for standard input, holding one event
 * or a list of events (run in order with the state carried over). A bad event is a usage error,
 * with each problem at its path.
 */
export function readEvents(arg: string): { events: EvalEvent[]; path?: string } {
  let text: string;
  const path = arg === '-' ? undefined : resolve(arg);
  try {
    text = readFileSync(path ?? 0, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the event ${arg}: ${reason(e)}`);
  }
  if (!text.replace(/^\uFEFF/, '').trim()) throw new InputError(`the event ${arg} is empty`);
  const lines = path && JSON_LINES.test(path) ? jsonLines(arg, text) : undefined;
  const values = lines ? lines.values : documentValues(arg, path, text);
  if (!values.length) throw new InputError(`the event ${arg} is an empty list`);
  const events = values.map((v, i) => {
    const { event, errors } = readEvent(v);
    if (!event)
      throw new InputError(
        `the event ${arg}${values.length > 1 ? (lines ? `:${lines.line[i]}` : ` [${i}]`) : ''} is not valid (schemas/policylens/event.schema.json):\n  ${errors.join('\n  ')}`,
      );
    return event;
  });
  return { events, ...(path ? { path } : {}) };
}

/** Recorded traffic, one event per line: `eval` runs it as a list, as `replay` reads it. */
const JSON_LINES = /\.(jsonl|ndjson)$/i;

/** The events of a JSON Lines file, and the line of each (1-based) for the messages. */
function jsonLines(arg: string, text: string): { values: unknown[]; line: number[] } {
  const values: unknown[] = [];
  const lineOf: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim()) return;
    try {
      values.push(JSON.parse(line));
      lineOf.push(i + 1);
    } catch {
      throw new InputError(`the event ${arg}:${i + 1} does not parse: not JSON (one event per line)`);
    }
  });
  return { values, line: lineOf };
}

/** One JSON or YAML document: an event or a list of events. */
function documentValues(arg: string, path: string | undefined, text: string): unknown[] {
  let doc = new ParsedDocument(text, languageOf(path ?? 'stdin.json'));
  // Before standard input falls back to YAML: JSON that fails only by its depth is JSON, read as a
  // `.json` file of the same bytes is (the fallback refused a 10,000-level event a file evaluated).
  const deepJson = deeplyNestedJson(doc, text);
  if (deepJson) return Array.isArray(deepJson.value) ? deepJson.value : [deepJson.value];
  // Standard input may be YAML too.
  if (!path && doc.parseFindings.length) doc = new ParsedDocument(text, 'yaml');
  if (doc.parseFindings.length) {
    const f = doc.parseFindings[0];
    const before = text.slice(0, f.span.start).split('\n');
    const at = `${before.length}:${before[before.length - 1].length + 1}`;
    // Several JSON values one per line is recorded traffic, not a document: say what reads it.
    const lines = text.split('\n').filter((l) => l.trim());
    const hint =
      lines.length > 1 && lines.every((l) => /^\s*[{[]/.test(l))
        ? ' (one event per line? name the file .jsonl, or replay it with policylens replay)'
        : '';
    throw new InputError(`the event ${arg}:${at} does not parse: ${f.message}${hint}`);
  }
  return Array.isArray(doc.value) ? doc.value : [doc.value];
}

/**
 * A JSON event nested deeper than the positioned parser's stack allows: the positions only serve
 * the messages of a document that does not parse, and `JSON.parse` (as a `.jsonl` line is read)
 * takes any depth, so the same event is evaluated whichever file it comes in.
 */
function deeplyNestedJson(doc: ParsedDocument, text: string): { value: unknown } | undefined {
  if (doc.language !== 'json' || !doc.parseFindings.every((f) => f.code === 'parse/too-deep'))
    return undefined;
  if (!doc.parseFindings.length) return undefined;
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch {
    return undefined;
  }
}
