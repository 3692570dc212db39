// What the field test (docs/decisions/field-test.md) found using the built CLI as a new user
// would: each case here failed before its fix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDir, writeFiles } from '../sync/harness';

describe('field test: the CLI on what users feed it', () => {
  let dir: string;
  before(() => {
    dir = tempDir('field');
    writeFiles(dir, {
      'zoneless.json': JSON.stringify({ agentId: 'a', input: 'hi', timestamp: '2026-12-01 00:30:00' }),
      'slashes.json': JSON.stringify({ agentId: 'a', input: 'hi', timestamp: '12/01/2026' }),
    });
  });
  after(() => removeDir(dir));

  it('a timestamp without a zone is UTC, whatever the time zone of the machine', async () => {
    for (const TZ of ['UTC', 'Asia/Tokyo', 'America/New_York']) {
      const zoneless = await runCli(['eval', 'examples/policies', '--event', `${dir}/zoneless.json`], { TZ });
      assert.match(zoneless.stdout, /decision: allow {2}at 2026-12-01T00:30:00\.000Z/, `TZ=${TZ}`);
      const slashes = await runCli(['eval', 'examples/policies', '--event', `${dir}/slashes.json`], { TZ });
      assert.match(slashes.stdout, /decision: allow {2}at 2026-12-01T00:00:00\.000Z/, `TZ=${TZ}`);
    }
  });
});
