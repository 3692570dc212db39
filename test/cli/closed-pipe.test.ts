// `policylens lint . | head`: the reader stops reading and closes the pipe while the CLI still
// writes. The CLI ends quietly with the status of its command (1: the files have errors), as Unix
// tools do, instead of an unhandled EPIPE and Node's stack trace on the terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../hardening/support/cli';

const dir = mkdtempSync(join(tmpdir(), 'policylens-pipe-'));

before(() => {
  // About 600 KB of text report: far more than a pipe holds, so the CLI is still writing when the
  // reader goes.
  mkdirSync(join(dir, 'policies'));
  for (let i = 0; i < 400; i++)
    writeFileSync(
      join(dir, 'policies', `p${i}.yaml`),
      `name: p${i}\npolicyType: tool_call\nenforcementMode: sometimes\nruleDefinition:\n  tools: [1, 2, 3]\n  colour: red\n`,
    );
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI and closes its standard output after the first chunk, as `head -c` would. */
function readFirstChunk(args: string[]): Promise<{ status: number | null; first: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, first, stderr }));
  });
}

describe('a reader that closes the pipe early', () => {
  for (const format of ['text', 'json']) {
    it(`lint --format ${format}: no stack trace, the command's status`, async () => {
      const r = await readFirstChunk(['lint', join(dir, 'policies'), '--format', format, '--no-color']);
      assert.ok(r.first.length > 0, 'the reader got the start of the report');
      assert.equal(r.stderr, '');
      assert.equal(r.status, 1);
    });
  }
});
