import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  decodeRecord,
  decodeUtf16,
  languageOf,
  mapRecord,
  ParsedDocument,
  readEvent,
  utf16Order,
  type EvalEvent,
} from '../../core/index';
import { reason, InputError } from '../files';
import { checkEventFiles, MAX_LINE_BYTES, readLines } from '../replay/lines';

/**
 * What `--event` names: how many events, and a walk over them in order. The events of a document
 * are held (it is parsed whole); those of a JSON Lines file are read from disk as they are walked.
 */
export interface EventSource {
  count: number;
  /**
   * Whether `--event` names a sequence (a list, or a JSON Lines file), whatever its length: the
   * JSON report's shape follows the input's, so a recording of one line is still `results`.
   */
  sequence: boolean;
  path?: string;
  /** What replay would report of lines it still runs (an unknown field left out), one a line. */
  warnings?: string[];
  /** Calls `each` with every event in order, awaiting it (the caller's output may make it wait). */
  forEach(each: (event: EvalEvent) => void | Promise<void>): Promise<void>;
}

/**
 * Reads `--event`: a file (JSON or YAML, by its name) or `-` for standard input, holding one event
 * or a list of events (run in order with the state carried over), or a JSON Lines file (`.jsonl`,
 * `.ndjson`, gzip or plain). A bad event is a usage error, with each problem at its path, before any
 * event is run.
 */
export async function readEventSource(arg: string): Promise<EventSource> {
  const path = arg === '-' ? undefined : resolve(arg);
  if (path && JSON_LINES.test(path)) return jsonLinesSource(arg, path);
  const { events, sequence } = readEvents(arg, path);
  return {
    count: events.length,
    sequence,
    ...(path ? { path } : {}),
    async forEach(each) {
      for (const e of events) await each(e);
    },
  };
}

/** One document (`path`, or standard input): every event, checked, in memory. */
function readEvents(arg: string, path: string | undefined): { events: EvalEvent[]; sequence: boolean } {
  let text: string;
  try {
    const bytes = readFileSync(path ?? 0);
    const order = utf16Order(bytes);
    text = order ? decodeUtf16(bytes, order).text : bytes.toString('utf8');
  } catch (e) {
    throw new InputError(`cannot read the event ${arg}: ${reason(e)}`);
  }
  if (!text.replace(/^\uFEFF/, '').trim()) throw new InputError(`the event ${arg} is empty`);
  const doc = documentValue(arg, path, text);
  const values = Array.isArray(doc) ? doc : [doc];
  if (!values.length) throw new InputError(`the event ${arg} is an empty list`);
  const sequence = Array.isArray(doc);
  return { events: values.map((v, i) => checkedEvent(arg, v, sequence ? ` [${i}]` : '')), sequence };
}

function checkedEvent(arg: string, value: unknown, where: string): EvalEvent {
  const { event, errors } = readEvent(value);
  if (!event)
    throw new InputError(
      `the event ${arg}${where} is not valid (schemas/policylens/event.schema.json):\n  ${errors.join('\n  ')}`,
    );
  return event;
}

/**
 * Recorded traffic, one event per line: `eval` runs it as a list, each line decoded by `replay`'s
 * own decoder (`decodeRecord`: the aliases of docs/replay.md, such as Agent Sentinel's `kwargs`
 * for `args`; recorded outcome keys read past), so a line is the same event in both.
 */
const JSON_LINES = /\.(jsonl|ndjson)(\.gz)?$/i;

/** How many lines' findings a JSON Lines file prints on stderr; the rest are counted. */
const MAX_WARNINGS = 10;

/**
 * A JSON Lines file, read twice from disk: once to check every event (an invalid one stops `eval`
 * before any output, as in a document), once to run them. Memory stays flat whatever the file's
 * size: the whole file and every parsed event were held, 235 MB for a file of 50 MB.
 */
async function jsonLinesSource(arg: string, path: string): Promise<EventSource> {
  checkEventFiles([{ path, display: arg }]);
  /** Reads every line's event into `each`; `onChunk` runs after each chunk read (awaited). */
  const walk = async (
    each: (event: EvalEvent) => void,
    onChunk?: () => Promise<void>,
    onFinding?: (text: string) => void,
  ): Promise<number> => {
    let count = 0;
    const end = await readLines(
      path,
      (text, line) => {
        const d = decodeRecord({ line, text });
        if (!d) return;
        if (!d.event) {
          if (d.findings?.some((f) => f.code === 'replay/malformed-line'))
            throw new InputError(`the event ${arg}:${line} does not parse: not JSON (one event per line)`);
          // Not an event: eval stops on it, with every problem at its path (replay notes it).
          const value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
          const mapped = value && typeof value === 'object' && !Array.isArray(value);
          checkedEvent(arg, mapped ? mapRecord(value as Record<string, unknown>).event : value, `:${line}`);
        }
        for (const f of d.findings ?? []) onFinding?.(`${arg}:${line}: ${f.message} [${f.code}]`);
        each(d.event!);
        count++;
      },
      (line, bytes) => {
        throw new InputError(
          `the event ${arg}:${line} is ${bytes.toLocaleString('en')} bytes, more than the ${MAX_LINE_BYTES.toLocaleString('en')} a line may hold`,
        );
      },
      onChunk,
    );
    // Where replay reports it: the line after the last whole one (their events were checked).
    if (end.truncated)
      throw new InputError(
        `the event ${arg}:${end.lines + 1} cannot be read: ${end.truncated} after line ${end.lines}`,
      );
    return count;
  };
  const warnings: string[] = [];
  let more = 0;
  const note = (text: string) => (warnings.length < MAX_WARNINGS ? warnings.push(text) : more++);
  const count = await walk(() => undefined, undefined, note);
  if (!count) throw new InputError(`the event ${arg} is empty`);
  if (more) warnings.push(`… and ${more.toLocaleString('en')} more such lines in ${arg}`);
  return {
    count,
    sequence: true,
    path,
    warnings,
    async forEach(each) {
      // The events of one chunk read wait in a queue, and run before the next chunk is read.
      const queue: EvalEvent[] = [];
      const run = async () => {
        for (const e of queue.splice(0)) await each(e);
      };
      await walk((e) => queue.push(e), run);
      await run();
    },
  };
}

/** One JSON or YAML document: an event or a list of events. */
function documentValue(arg: string, path: string | undefined, text: string): unknown {
  let doc = new ParsedDocument(text, languageOf(path ?? 'stdin.json'));
  // Before standard input falls back to YAML: JSON that fails only by its depth is JSON, read as a
  // `.json` file of the same bytes is (the fallback refused a 10,000-level event a file evaluated).
  const deepJson = deeplyNestedJson(doc, text);
  if (deepJson) return deepJson.value;
  // Standard input may be YAML too.
  if (!path && doc.parseFindings.length) doc = new ParsedDocument(text, 'yaml');
  if (doc.parseFindings.length) {
    const f = doc.parseFindings[0];
    const before = text.slice(0, f.span.start).split('\n');
    const at = `${before.length}:${before[before.length - 1].length + 1}`;
    // The parser's words for a second document speak of a policy file: an event file has its own.
    if (f.code === 'yaml/multiple-documents')
      throw new InputError(
        `the event ${arg}:${at} does not parse: a second YAML document starts here, but an event file holds one document: an event, or a list of events (or use a .jsonl file, one event per line)`,
      );
    // Several JSON values one per line is recorded traffic, not a document: say what reads it.
    const lines = text.split('\n').filter((l) => l.trim());
    const hint =
      lines.length > 1 && lines.every((l) => /^\s*[{[]/.test(l))
        ? ' (one event per line? name the file .jsonl, or replay it with policylens replay)'
        : '';
    throw new InputError(`the event ${arg}:${at} does not parse: ${f.message}${hint}`);
  }
  return doc.value;
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
