/**
 * The `policylens` command's entry point (dist/cli.js): it runs the CLI's bundle (dist/cli-engine.js)
 * with V8's code cache (boot/codeCache.ts). Compiling the 1.6 MB bundle, and the functions a command
 * then runs, is a fixed cost of every invocation (about 50–70 ms of CPU on this project's machines, a
 * quarter of a warm `lint --cache`; docs/decisions/cli-startup.md). Each command has a cache of its
 * own, written when the command exits; without a cache directory we can trust, the bundle runs
 * exactly as `require` would run it. This file imports nothing but Node.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileCached, type ModuleWrapper } from '../boot/codeCache';
import { guardRegExps } from '../boot/regexp';

// Before anything is compiled: the flag is part of what a code cache is valid for.
guardRegExps();

const ENGINE = join(__dirname, 'cli-engine.js');
/** The CLI's commands (cli/commands/), each with a cache of its own. */
const COMMANDS = new Set(['lint', 'chain', 'sync', 'history', 'serve', 'eval', 'test', 'replay']);

/** The bundle compiled with the cached code, or undefined to fall back to `require`. */
function compiled(): ModuleWrapper | undefined {
  // The bytes are hashed as read (a string would be encoded again for the hash); the bundle is
  // ASCII (scripts/ascii-only.mjs), so its text is a one-byte string, half the size to decode.
  const bytes = readFileSync(ENGINE);
  const source = bytes.toString('utf8');
  // One cache per command: each holds the functions its command compiled, not only the top level.
  // Only the commands that exist get a file of their own: a typo must not leave a cache behind.
  const arg = process.argv[2] ?? '';
  const command = COMMANDS.has(arg) ? arg : 'other';
  return compileCached({ source, filename: ENGINE, identity: bytes, use: command })?.wrapper;
}

let wrapper: ModuleWrapper | undefined;
try {
  wrapper = compiled();
} catch {
  wrapper = undefined;
}
if (wrapper) {
  const mod = new Module(ENGINE, module);
  mod.filename = ENGINE;
  wrapper.call(mod.exports, mod.exports, createRequire(ENGINE), mod, ENGINE, dirname(ENGINE));
} else createRequire(ENGINE)(ENGINE);
