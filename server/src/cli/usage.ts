import { didYouMean } from '../core/index';
import { UsageError } from './files';

/** `a`, `a or b`, `a, b or c`: the choices as the usage errors list them. */
function choiceList(choices: readonly string[]): string {
  return choices.length < 2 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/**
 * A value that must be one of a few (a `--format`): anything else is a usage error that names
 * the nearest choice, as an unknown `--dialect` or config key does.
 */
export function checkChoice<T extends string>(what: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${what} "${value}"${didYouMean(value, choices)} (${choiceList(choices)})`);
}

/**
 * node:util parseArgs' message for an unknown option, with the nearest option the command's help
 * names (`--frmat` → `--format`); an option without its value in our words; any other message as
 * it is.
 */
export function explainParseError(message: string, help: string): string {
  // `--examples -1`: parseArgs will not take a value that looks like an option, and says so in three
  // lines that name none of our words.
  const ambiguous = /^Option '(--?[^']+)' argument is ambiguous/.exec(message);
  if (ambiguous)
    return `${ambiguous[1]} needs a value; write ${ambiguous[1]}=<value> for one that starts with "-"`;
  const missing = /^Option '(--?[^' ]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const m = /^Unknown option '(--?[^']+)'/.exec(message);
  // A one-letter option has no near neighbour worth naming.
  if (!m) return message;
  if (!m[1].startsWith('--')) return `unknown option ${m[1]}`;
  const known = [...new Set([...help.matchAll(/(?<![\w-])--?[a-zA-Z][\w-]*/g)].map((x) => x[0]))];
  return `unknown option ${m[1]}${didYouMean(m[1], [...known, '--help', '--color', '--no-color'])}`;
}

/** The synopsis of a command's help: its lines up to the first blank one (`Usage: …` and its options). */
export function usageLines(help: string): string {
  const blank = help.indexOf('\n\n');
  return blank < 0 ? help : help.slice(0, blank);
}

/** The line after a usage error's synopsis. */
export function helpHint(command: string): string {
  return `Run \`policylens ${command} --help\` for every option and the exit statuses.`;
}
