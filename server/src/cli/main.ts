import { chain } from './commands/chain';
import { lint } from './commands/lint';
import { sync } from './commands/sync';
import { exportCommand } from './commands/export';
import { history } from './commands/history';
import { serve } from './commands/serve';
import { evalCommand } from './commands/eval';
import { testCommand } from './commands/test';
import { replayCommand } from './commands/replay';
import type { Command } from './commands/types';
import { didYouMean } from '../core/index';
import { InputError, UsageError } from './files';
import { explainParseError, helpHint, usageLines } from './usage';
import { isLintWorker, lintWorker } from './lint/pool';
import { isReplayWorker, replayWorker } from './replay/threads';
import { version as VERSION } from '../../../package.json';

/** Every command of `policylens`; each lives in its own file under commands/. */
const COMMANDS: Command[] = [
  lint,
  chain,
  evalCommand,
  testCommand,
  replayCommand,
  sync,
  exportCommand,
  history,
  serve,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: policylens <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `policylens <command> --help` for the options of a command. Every command takes',
    '--color / --no-color (else FORCE_COLOR, NO_COLOR, then colour only on a terminal).',
  ].join('\n');
}

/**
 * `--color` and `--no-color` belong to every command, so they are taken out of the arguments
 * before a command parses them (up to a `--`); the last one given wins.
 */
function takeColorFlag(args: readonly string[]): { args: string[]; color?: boolean } {
  const end = args.indexOf('--');
  let color: boolean | undefined;
  const kept = args.filter((a, i) => {
    if (end >= 0 && i > end) return true;
    if (a === '--color' || a === '--no-color') {
      color = a === '--color';
      return false;
    }
    return true;
  });
  return { args: kept, ...(color === undefined ? {} : { color }) };
}

/** The standard streams whose reader went away (written to no more). */
const closed = new Set<NodeJS.WriteStream>();

async function main(argv: string[]): Promise<number> {
  const [name, ...given] = argv;
  const { args: rest, color } = takeColorFlag(given);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = COMMANDS.map((c) => c.name);
    process.stderr.write(`policylens: unknown command "${name}"${didYouMean(name, names)}\n\n${usage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, {
      out: (t) => void (closed.has(process.stdout) || process.stdout.write(t)),
      err: (t) => void (closed.has(process.stderr) || process.stderr.write(t)),
      drain: () => drained(process.stdout),
      version: VERSION,
      color,
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      const message = explainParseError(err.message, command.help);
      // The synopsis, not the whole help: the error stays on the screen above it.
      const more = e instanceof InputError ? '' : `\n${usageLines(command.help)}\n${helpHint(name)}\n`;
      process.stderr.write(`policylens ${name}: ${message}\n${more}`);
      return command.usageStatus?.(rest) ?? 2;
    }
    process.stderr.write(`policylens ${name}: ${err.message}\n`);
    return 1;
  }
}

/** Resolves when `stream` has room again, or has closed (a reader gone never drains it). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (closed.has(stream) || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.on(event, done);
  });
}

// The same bundle runs lint's worker threads (lint/pool.ts): a worker lints, it is not a CLI.
if (isLintWorker()) lintWorker();
else if (isReplayWorker()) replayWorker();
else {
  // A reader that stops reading (`policylens lint . | head`) closes the pipe. What is written after
  // is dropped, and the command goes on to its end and its own status (`sync --apply | head` still
  // applies the plan it printed), instead of an unhandled EPIPE and Node's stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      closed.add(stream);
    });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`policylens: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
