// `policylens eval` of a sequence of events writes each event's result as it is evaluated: the
// output of 100,000 events was one string of every trace (1.15 GB held for the text, 2 GB for JSON).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evalCommand } from '../../server/src/cli/commands/eval';

const dir = mkdtempSync(join(tmpdir(), 'policylens-eval-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const N = 300;
const events = join(dir, 'events.jsonl');
writeFileSync(
  events,
  Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      agentId: 'finance-bot',
      input: `refund ${i} for jane.doe@example.com`,
      estimatedCost: 1,
      timestamp: new Date(Date.UTC(2026, 11, 2, 10, 0, i)).toISOString(),
    }),
  ).join('\n') + '\n',
);

async function run(format: 'text' | 'json'): Promise<{ chunks: string[]; status: number }> {
  const chunks: string[] = [];
  const status = await evalCommand.run(['examples/policies', '--event', events, '--format', format], {
    out: (t) => chunks.push(t),
    err: () => undefined,
    version: '0.0.0-test',
    color: false,
  });
  return { chunks, status };
}

describe('eval of a sequence of events', () => {
  for (const format of ['text', 'json'] as const)
    it(`writes ${format} one event at a time, the same text as one piece`, async () => {
      const { chunks, status } = await run(format);
      const whole = chunks.join('');
      // No piece holds more than a few events' results.
      const longest = Math.max(...chunks.map((c) => c.length));
      assert.ok(chunks.length >= N, `${chunks.length} pieces`);
      assert.ok(longest * 20 < whole.length, `a piece of ${longest} of ${whole.length} characters`);
      if (format === 'json') {
        const parsed = JSON.parse(whole) as { version: string; results: unknown[] };
        assert.equal(parsed.results.length, N);
        assert.equal(whole, JSON.stringify(parsed, null, 2) + '\n');
      } else {
        assert.equal(whole.match(/^— event \d+ of 300$/gm)?.length, N);
        assert.ok(whole.startsWith('— event 1 of 300\n'));
      }
      assert.ok(status === 0 || status === 1 || status === 3);
    });
});

describe('eval of a sequence of events written to a slow reader', () => {
  // Written without waiting, a pipe read slowly kept every part in memory (a 50 MB .jsonl to a
  // pipe: 1.26 GB, and a 200 MB one ended in ENOBUFS). Each part now waits until the output took
  // the one before it.
  for (const format of ['text', 'json'] as const)
    it(`waits for the output to drain between parts (${format})`, async () => {
      let pending = 0;
      let most = 0;
      let release: (() => void) | undefined;
      const done = evalCommand.run(['examples/policies', '--event', events, '--format', format], {
        out: () => {
          pending++;
          most = Math.max(most, pending);
        },
        err: () => undefined,
        drain: () =>
          new Promise<void>((resolve) => {
            release = () => {
              pending = 0;
              resolve();
            };
          }),
        version: '0.0.0-test',
        color: false,
      });
      // The reader takes one part at a time, after a turn of the event loop.
      let turns = 0;
      for (;;) {
        const settled = await Promise.race([
          Promise.resolve(done).then(() => true),
          new Promise((r) => setImmediate(r, false)),
        ]);
        if (settled) break;
        release?.();
        release = undefined;
        turns++;
      }
      assert.ok(turns >= N, `${turns} waits for ${N} events`);
      assert.ok(most <= 3, `at most ${most} parts written without a wait`);
    });
});
