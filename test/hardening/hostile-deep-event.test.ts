// An event nested 10,000 levels deep (in its metadata) is evaluated the same whether it comes as a
// `.json` file or as a line of a `.jsonl` file. The `.json` event went through the positioned
// parser, whose recursion stops at a few thousand levels, and was refused as "nested too deeply",
// while the same event as a line of recorded traffic was evaluated. Standard input (`--event -`)
// may hold YAML too: it fell back to YAML on any JSON finding, depth included, and refused the
// event a `.json` file of the same bytes gave a verdict for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evalCommand } from '../../server/src/cli/commands/eval';
import { CLI, HEAP_MB, REPO } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'policylens-deep-event-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DEPTH = 10_000;
// Written as text: JSON.stringify recurses once per level too.
const event =
  JSON.stringify({
    agentId: 'finance-bot',
    input: 'refund for jane.doe@example.com',
    estimatedCost: 1,
    timestamp: '2026-12-02T10:00:00Z',
  }).slice(0, -1) +
  ',"metadata":' +
  '{"k":'.repeat(DEPTH) +
  '"leaf"' +
  '}'.repeat(DEPTH) +
  '}';

async function evaluate(file: string): Promise<{ out: string; err: string; status: number }> {
  let out = '';
  let err = '';
  const status = await evalCommand.run(['examples/policies', '--event', file, '--format', 'json'], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    version: '0.0.0-test',
    color: false,
  });
  return { out, err, status };
}

describe('a deeply nested event', () => {
  it('is evaluated from a .json file as from a .jsonl line', async () => {
    writeFileSync(join(dir, 'event.json'), event);
    writeFileSync(join(dir, 'event.jsonl'), event + '\n');
    const asDocument = await evaluate(join(dir, 'event.json'));
    const asLine = await evaluate(join(dir, 'event.jsonl'));
    assert.equal(asDocument.err, '', asDocument.err);
    assert.notEqual(asDocument.status, 2);
    const parsed = JSON.parse(asDocument.out) as { decision: string; trace: unknown[] };
    assert.equal(parsed.decision, 'block');
    assert.ok(parsed.trace.length > 0);
    assert.equal(asDocument.status, asLine.status);
    // A .jsonl is a list of events, whatever its length: its JSON holds `results` (docs/decisions/evaluator.md).
    const { version, ...result } = parsed as unknown as Record<string, unknown>;
    assert.deepEqual(JSON.parse(asLine.out), { version, results: [result] });
  });

  it('is evaluated from standard input as from a .json file', () => {
    writeFileSync(join(dir, 'stdin-twin.json'), event);
    const run = (eventArg: string, input?: string) =>
      spawnSync(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_MB}`,
          CLI,
          'eval',
          'examples/policies',
          '--event',
          eventArg,
          '--format',
          'json',
        ],
        { cwd: REPO, encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) },
      );
    const fromFile = run(join(dir, 'stdin-twin.json'));
    const fromStdin = run('-', event);
    assert.equal(fromFile.stderr, '', fromFile.stderr);
    assert.equal(fromStdin.stderr, '', fromStdin.stderr);
    assert.equal(JSON.parse(fromFile.stdout).decision, 'block');
    assert.equal(fromStdin.status, fromFile.status);
    assert.equal(fromStdin.stdout, fromFile.stdout);
  });

  it('still reports a JSON syntax error with its position', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"agentId": "a",\n  "input": }');
    await assert.rejects(evaluate(broken), /broken\.json:2:12 does not parse: JSON syntax error/);
  });
});
