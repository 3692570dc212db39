import { eventClock, iso, isObj, str } from '../eval/context';
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
  private lastMs: number | undefined;
  private lastLine = 0;
  private lastFile: string | undefined;

  decode(input: ReplayInput): Decoded | undefined {
    const d = this.decodeLine(input);
    if (d && input.file !== undefined) {
      d.file = input.file;
      if (d.findings) for (const f of d.findings) f.file = input.file;
    }
    return d;
  }

  private decodeLine(input: ReplayInput): Decoded | undefined {
    const line = input.line;
    let value: unknown;
    if ('text' in input) {
      const text = input.text;
      if (isBlank(text)) return undefined;
      try {
        value = JSON.parse(text);
      } catch {
        return { line, findings: [malformed(line, text)] };
      }
    } else value = input.value;
    if (!isObj(value))
      return {
        line,
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
        findings: [
          ...(findings ?? []),
          { line, code: 'replay/invalid-event', message: clip(`not a valid event: ${errors.join('; ')}`) },
        ],
      };
    if (event.timestamp !== undefined) {
      const clock = eventClock(event, Number.NaN);
      if (!clock.assumption) {
        if (this.lastMs !== undefined && clock.atMs < this.lastMs)
          (findings ??= []).push({
            line,
            code: 'replay/out-of-order',
            message: `${iso(clock.atMs)} is earlier than ${this.lastFile === input.file ? '' : `${this.lastFile ?? ''}:`}line ${this.lastLine} (${iso(this.lastMs)}); replayed in file order`,
          });
        this.lastMs = clock.atMs;
        this.lastLine = line;
        this.lastFile = input.file;
      }
    }
    const agent = str(event.agentId) ?? str(event.agent_id) ?? str(event.agentName);
    return { line, event, ...(agent !== undefined ? { agent } : {}), ...(findings ? { findings } : {}) };
  }
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
