// Every command's exit codes, as data: each row of test/fixtures/exit-codes.json is run with the
// built CLI (rows marked `live` against a registry on loopback, in order), and the codes that
// docs/exit-codes.md names for a command are exactly those its rows produce.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES } from '../support/fixtures';
import {
  BUNDLES,
  inProcessRegistry,
  removeDir,
  ROOT,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';

interface Row {
  command: string;
  args: string[];
  env?: Record<string, string>;
  live?: boolean;
  status: number;
  why: string;
}

const ROWS = JSON.parse(readFileSync(join(FIXTURES, 'exit-codes.json'), 'utf8')) as Row[];
const DOC = readFileSync(join(ROOT, 'docs', 'exit-codes.md'), 'utf8');

/** The table's rows: the command, then the codes whose cell is not `—` (and `N:` in "Other"). */
function documented(): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const line of DOC.split('\n')) {
    const m = /^\| `([^`]+)`[^|]* \|(.*)\|$/.exec(line);
    if (!m) continue;
    const [c0, c1, c2, other] = m[2].split('|').map((c) => c.trim());
    const codes = new Set<number>();
    [c0, c1, c2].forEach((cell, code) => cell !== '—' && codes.add(code));
    for (const x of other.matchAll(/(?:^|; )(\d+):/g)) codes.add(Number(x[1]));
    out.set(m[1], codes);
  }
  return out;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('exit codes of every command (test/fixtures/exit-codes.json, docs/exit-codes.md)', () => {
  let live: LiveRegistry;
  let bundles: string;
  let tmp: string;
  let closed: number;
  before(async () => {
    live = await inProcessRegistry();
    bundles = tempDir('exit-bundles');
    writeFiles(bundles, BUNDLES);
    tmp = tempDir('exit-tmp');
    closed = await closedPort();
  });
  after(async () => {
    await live.close();
    removeDir(bundles);
    removeDir(tmp);
  });

  const fill = (s: string) =>
    s
      .replace('$BUNDLES', bundles)
      .replace('$TMP', tmp)
      .replace('$CLOSED_PG', `postgres://u:p@127.0.0.1:${closed}/db`)
      .replace('$CLOSED', `http://127.0.0.1:${closed}`);

  for (const row of ROWS)
    it(`${row.command}: ${row.why} → ${row.status}`, async () => {
      const env: Record<string, string> = { NO_COLOR: '1' };
      if (row.live) Object.assign(env, { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key });
      for (const [k, v] of Object.entries(row.env ?? {})) env[k] = fill(v);
      const r = await runCli(row.args.map(fill), env);
      assert.equal(r.status, row.status, `${row.args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    });

  it('the table names exactly the codes each command exits with', () => {
    const doc = documented();
    const seen = new Map<string, Set<number>>();
    for (const r of ROWS) seen.set(r.command, (seen.get(r.command) ?? new Set()).add(r.status));
    for (const [command, codes] of seen)
      assert.deepEqual([...(doc.get(command) ?? [])].sort(), [...codes].sort(), `the row of ${command}`);
  });

  it('the table has a row for every command of `policylens --help` (and for replay)', async () => {
    const help = (await runCli(['--help'], {})).stdout;
    const commands = [...help.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
    assert.ok(commands.length >= 7, help);
    const doc = documented();
    for (const c of [...commands, 'replay', 'policylens']) assert.ok(doc.has(c), `a row for ${c}`);
    for (const c of commands)
      assert.ok(
        ROWS.some((r) => r.command === c),
        `rows that run ${c}`,
      );
  });
});
