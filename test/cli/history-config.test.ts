// `policylens history` finds the org as sync and chain do: --url, then the environment, then the
// live.url of the project config (the one nearest the working directory, or --config FILE).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';

describe('policylens history reads live.url from the project config', () => {
  let live: LiveRegistry;
  let dir: string;

  before(async () => {
    live = await inProcessRegistry();
    dir = tempDir('history-config');
    writeFiles(dir, { 'policylens.config.yaml': `live:\n  url: ${live.url}\n` });
  });

  after(async () => {
    await live.close();
    removeDir(dir);
  });

  it('from the config nearest the working directory', async () => {
    const r = await runCli(['history', '--verify'], { POLICYLENS_API_KEY: live.key }, dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit chain intact/);
  });

  it('from --config FILE, whatever the working directory', async () => {
    const config = join(dir, 'policylens.config.yaml');
    const r = await runCli(['history', '--verify', '--config', config], { POLICYLENS_API_KEY: live.key });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit chain intact/);
  });

  it('--url wins over the config', async () => {
    const r = await runCli(
      ['history', '--verify', '--url', 'http://127.0.0.1:9/api/v1'],
      { POLICYLENS_API_KEY: live.key, POLICYLENS_RETRIES: '0' },
      dir,
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /127\.0\.0\.1:9/);
  });

  it('without any of them, a clear error', async () => {
    const bare = tempDir('history-noconfig');
    try {
      const r = await runCli(['history', '--verify'], { POLICYLENS_API_KEY: live.key }, bare);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /policylens history: .*(url|URL)/);
    } finally {
      removeDir(bare);
    }
  });
});
