import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { languageOf, ParsedDocument, readEvent, type EvalEvent } from '../../core/index';
import { UsageError } from '../files';

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
    throw new UsageError(
      `cannot read the event ${arg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const name = path ?? 'stdin.json';
  let doc = new ParsedDocument(text, languageOf(name));
  // Standard input may be YAML too.
  if (!path && doc.parseFindings.length) doc = new ParsedDocument(text, 'yaml');
  if (doc.parseFindings.length)
    throw new UsageError(`the event ${arg} does not parse: ${doc.parseFindings[0].message}`);
  const values = Array.isArray(doc.value) ? doc.value : [doc.value];
  if (!values.length) throw new UsageError(`the event ${arg} is an empty list`);
  const events = values.map((v, i) => {
    const { event, errors } = readEvent(v);
    if (!event)
      throw new UsageError(
        `the event ${arg}${values.length > 1 ? ` [${i}]` : ''} is not valid (schemas/policylens/event.schema.json):\n  ${errors.join('\n  ')}`,
      );
    return event;
  });
  return { events, ...(path ? { path } : {}) };
}
