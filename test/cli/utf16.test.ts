// Files written in UTF-16 with a byte order mark (Windows PowerShell 5's `>` and `Out-File`) read as
// their UTF-8 copies do, in every command (core/utf16.ts). Found by a field test: lint, chain and
// sync passed such a policy over as "not a policy" (NUL bytes), eval and test refused it, so
// `sync --prune` planned to delete the live policy it declares; a UTF-16 recording replayed none of
// its events and let the gate pass. Each case runs the command on a tree of UTF-8 files and on the
// same tree re-encoded, and expects the same output.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { removeDir, runCli, tempDir } from '../sync/harness';

const ROOT = join(__dirname, '../..');
const MODE_CHANGE = join(ROOT, 'test/fixtures/replay/mode-change');

/** `text` in UTF-16 of the given byte order, with its byte order mark. */
function utf16(text: string, order: 'le' | 'be'): Buffer {
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return order === 'le' ? le : le.swap16();
}

/** Re-encodes the files of `dir` named in `orders` (relative path → byte order). */
function reencode(dir: string, orders: Record<string, 'le' | 'be'>): void {
  for (const [name, order] of Object.entries(orders))
    writeFileSync(join(dir, name), utf16(readFileSync(join(dir, name), 'utf8'), order));
}

let dir = '';
const plain = () => join(dir, 'plain');
const wide = () => join(dir, 'wide');

before(() => {
  dir = tempDir('utf16');
  for (const side of [plain(), wide()]) {
    cpSync(join(ROOT, 'examples/policies'), join(side, 'policies'), { recursive: true });
    cpSync(join(ROOT, 'examples/events/refund-120.json'), join(side, 'event.json'));
    cpSync(MODE_CHANGE, join(side, 'replay'), { recursive: true });
    // A finding with a safe fix: --fix must write the file back in its own encoding.
    writeFileSync(
      join(side, 'fixable.yaml'),
      'name: fixable\npolicyType: rate_limit\nenforcementMode: hard_block\nruleDefinition:\n  maxRequestsPerMinute: 60\n',
    );
  }
  reencode(wide(), {
    'policies/daily-cost-limit.yaml': 'le',
    'policies/pii-protection.yaml': 'be',
    'policies/block-prompt-injection.json': 'le',
    'event.json': 'be',
    'replay/events.jsonl': 'le',
    'fixable.yaml': 'le',
  });
  writeFileSync(
    join(wide(), 'replay/events.jsonl.gz'),
    gzipSync(readFileSync(join(wide(), 'replay/events.jsonl'))),
  );
  cpSync(join(plain(), 'replay/events.jsonl'), join(plain(), 'replay/events.jsonl.gz'));
});

after(() => removeDir(dir));

/** Runs the same command in both trees and expects the same status and output. */
async function same(args: string[]): Promise<string> {
  const [a, b] = await Promise.all([runCli(args, {}, plain()), runCli(args, {}, wide())]);
  assert.equal(b.stdout, a.stdout, `${args.join(' ')}: the UTF-16 tree's output`);
  assert.equal(b.stderr, a.stderr, `${args.join(' ')}: the UTF-16 tree's messages`);
  assert.equal(b.status, a.status, `${args.join(' ')}: the UTF-16 tree's status`);
  return a.stdout;
}

describe('UTF-16 files with a byte order mark', () => {
  it('lint counts and checks them as their UTF-8 copies', async () => {
    const out = await same(['lint', 'policies', '--format', 'json']);
    const report = JSON.parse(out) as { files: { file: string }[] };
    const files = report.files.map((f) => f.file);
    for (const name of ['daily-cost-limit.yaml', 'pii-protection.yaml', 'block-prompt-injection.json'])
      assert.ok(files.includes(`policies/${name}`), `${name} is linted: ${files.join(', ')}`);
  });

  it('chain and eval read them', async () => {
    const chain = await same(['chain', 'policies', '--format', 'json']);
    assert.match(chain, /Daily Cost Limit/);
    assert.match(chain, /PII Protection/);
    const evaluated = await same(['eval', 'policies', '--event', 'event.json', '--format', 'json']);
    assert.match(evaluated, /"decision"/);
  });

  it('replay reads a UTF-16 recording, plain or gzip, on one thread and two', async () => {
    for (const events of ['replay/events.jsonl', 'replay/events.jsonl.gz'])
      for (const threads of ['1', '2']) {
        const out = await same([
          'replay',
          events,
          '--policies',
          'replay/current',
          '--against',
          'replay/baseline',
          '--format',
          'json',
          '--threads',
          threads,
        ]);
        const report = JSON.parse(out) as { events: number; replayed: number };
        assert.equal(report.events, 7, `${events}: the recording's events`);
        assert.equal(report.replayed, 7, `${events}: every event replayed`);
      }
  });

  it('lint --fix writes a UTF-16 file back in UTF-16', async () => {
    const r = await runCli(['lint', 'fixable.yaml', '--fix'], {}, wide());
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const bytes = readFileSync(join(wide(), 'fixable.yaml'));
    assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'the byte order mark is kept');
    assert.match(bytes.toString('utf16le'), /\nenforcementMode: block\n/);
  });
});
