import { hash32 } from './sketch';
import { clockOf, iso, isObj, readsAsMilliseconds, str } from '../eval/context';
import { readEvent } from '../eval/policytest';
import type { EvalEvent } from '../eval/types';
import { mapRecord } from './mapping';
import type { ReplayFinding, ReplayInput } from './types';

/** One decoded line: the event to replay (absent when the line is not one) and its findings. */
export interface Decoded {
  file?: string;
  line: number;
  event?: EvalEvent;
  /** Who sent it (`agentId`, `agent_id`, else `agentName`), for the per-agent counts. */
  agent?: string;
  findings?: ReplayFinding[];
}

const MAX_MESSAGE = 200;

/**
 * Turns lines of recorded traffic into events, in file order. It remembers the clock of the last
 * event that had one, so an event earlier than it is reported (`replay/out-of-order`); the event
 * is still replayed where it stands, in file order. Never throws: a line that is not an event is a
 * finding and gives no event.
 */
export class ReplayDecoder {
  private readonly order = new ClockOrder();

  decode(input: ReplayInput): Decoded | undefined {
    const d = decodeRecord(input);
    if (!d) return d;
    if (d.event && !Number.isNaN(d.clockMs)) {
      const late = this.order.check(d.clockMs, d.line, input.file);
      if (late) (d.findings ??= []).push(late);
    }
    if (input.file !== undefined) {
      d.file = input.file;
      if (d.findings) for (const f of d.findings) f.file = input.file;
    }
    return d;
  }
}

/**
 * The clock of the last event that had one, across files: an event earlier than it is a
 * `replay/out-of-order` finding (its `file` is left to the caller).
 */
export class ClockOrder {
  private lastMs: number | undefined;
  private lastLine = 0;
  private lastFile: string | undefined;

  /** Records an event's clock; returns the finding when it is earlier than the last one. */
  check(atMs: number, line: number, file: string | undefined): ReplayFinding | undefined {
    let late: ReplayFinding | undefined;
    if (this.lastMs !== undefined && atMs < this.lastMs)
      late = {
        line,
        code: 'replay/out-of-order',
        message: `${iso(atMs)} is earlier than ${this.lastFile === file ? '' : `${this.lastFile ?? ''}:`}line ${this.lastLine} (${iso(this.lastMs)}); replayed in file order`,
      };
    this.lastMs = atMs;
    this.lastLine = line;
    this.lastFile = file;
    return late;
  }
}

/** A decoded record before the order check: `clockMs` is the event's own clock, NaN without one. */
export interface DecodedRecord extends Decoded {
  clockMs: number;
}

/**
 * One line on its own (no memory of the lines before: the order check is `ClockOrder`'s), so
 * lines can be decoded on any thread. Blank lines give undefined; findings carry no `file`.
 */
export function decodeRecord(input: ReplayInput): DecodedRecord | undefined {
  const line = input.line;
  let value: unknown;
  if ('text' in input) {
    // A byte order mark starts a file that a Windows tool wrote, and the middle of one made by
    // concatenating such files (`cat a.jsonl b.jsonl`): it is no part of the JSON.
    const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
    if (isBlank(text)) return undefined;
    try {
      value = JSON.parse(text);
    } catch {
      return { line, clockMs: Number.NaN, findings: [malformed(line, text)] };
    }
  } else value = input.value;
  if (!isObj(value))
    return {
      line,
      clockMs: Number.NaN,
      findings: [
        {
          line,
          code: 'replay/invalid-event',
          message: `the line holds ${describe(value)}, not an event object`,
        },
      ],
    };
  const { event: mapped, unknown } = mapRecord(value);
  let findings: ReplayFinding[] | undefined;
  if (unknown.length)
    findings = [
      {
        line,
        code: 'replay/unknown-field',
        message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown
          .map((k) => JSON.stringify(k))
          .join(
            ', ',
          )} left out (not in schemas/policylens/event.schema.json or the mapping of docs/replay.md)`,
      },
    ];
  const { event, errors } = readEvent(mapped);
  if (!event)
    return {
      line,
      clockMs: Number.NaN,
      findings: [
        ...(findings ?? []),
        { line, code: 'replay/invalid-event', message: clip(`not a valid event: ${errors.join('; ')}`) },
      ],
    };
  // The event's own clock, read without the messages an event without one gets (evaluate's).
  const clockMs = clockOf(event.timestamp);
  const late = clockFinding(line, event.timestamp, clockMs);
  if (late) (findings ??= []).push(late);
  const name = str(event.agentId) ?? str(event.agent_id) ?? str(event.agentName);
  const agent = name === undefined ? undefined : agentLabel(name);
  return {
    line,
    event,
    clockMs,
    ...(agent !== undefined ? { agent } : {}),
    ...(findings ? { findings } : {}),
  };
}

/**
 * A timestamp that is there but gives no clock (the event takes the clock of the one before it,
 * so its budget day and rate window are guesses), or that reads as a date millennia ahead (Unix
 * milliseconds where seconds are expected): either would skew every budget after it, silently.
 */
function clockFinding(line: number, t: unknown, clockMs: number): ReplayFinding | undefined {
  if (t === undefined || t === null) return undefined;
  const shown = clip(typeof t === 'string' ? JSON.stringify(t) : String(t));
  if (Number.isNaN(clockMs))
    return {
      line,
      code: 'replay/invalid-timestamp',
      message: `timestamp ${shown} is not ISO-8601, Unix seconds or a date: the event takes the clock of the event before it`,
    };
  if (readsAsMilliseconds(t, clockMs))
    return {
      line,
      code: 'replay/invalid-timestamp',
      message: `timestamp ${shown} reads as ${iso(clockMs)} in Unix seconds: milliseconds? (divide by 1000)`,
    };
  return undefined;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** The message names the line's start, not the parser's words (they change between Node versions). */
function malformed(line: number, text: string): ReplayFinding {
  const start = text.trim();
  return {
    line,
    code: 'replay/malformed-line',
    message: `not JSON: ${start.length > 60 ? `${start.slice(0, 60)}…` : start}`,
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s;
}

/** The longest agent name a report holds; a longer one is cut, and named by a hash of the whole. */
export const MAX_AGENT_CHARS = 256;

/**
 * An agent's name as the report counts and prints it. A name is a label, and the report keeps up to
 * 10,000 of them (and a few in each transition's examples): 10,000 names of 1 MB, each on a line
 * well under the 8 MiB bound, held 10 GB. A name past `MAX_AGENT_CHARS` keeps its start and a hash
 * of the whole (`…#1a2b3c4d`), so two names that differ only past the cut stay two agents. The
 * label is copied out of the name (the `' ' + … .slice(1)`): V8 makes a slice of a long string a
 * view that keeps the whole string alive.
 */
export function agentLabel(name: string): string {
  if (name.length <= MAX_AGENT_CHARS) return name;
  let cut = MAX_AGENT_CHARS - 10;
  // Not between the two halves of a surrogate pair.
  const last = name.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  const hash = hash32(name).toString(16).padStart(8, '0');
  return (' ' + name.slice(0, cut) + '…#' + hash).slice(1);
}
