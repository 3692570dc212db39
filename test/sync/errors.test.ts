// One-line errors for the ways a live org fails below the HTTP API: a certificate that is not trusted,
// a server that never answers, a rate limit that asks to come back much later.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLES, removeDir, runCli, tempDir, writeFiles } from './harness';

const dirs: string[] = [];
const servers: Server[] = [];
let bundles: string;

before(() => {
  bundles = tempDir('errors-bundles');
  dirs.push(bundles);
  writeFiles(bundles, BUNDLES);
});
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const d of dirs) removeDir(d);
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('live org failures below the API', () => {
  it('an untrusted certificate is a TLS failure, not retried', async () => {
    const dir = tempDir('tls');
    dirs.push(dir);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    let requests = 0;
    const port = await listen(
      createHttps(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => {
          requests++;
          res.end('{}');
        },
      ),
    );
    const res = await runCli(['sync', bundles], {
      POLICYLENS_API_URL: `https://127.0.0.1:${port}`,
      POLICYLENS_API_KEY: 'plk_secret_key',
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /^policylens sync: TLS failure talking to 127\.0\.0\.1:\d+: [A-Z_]+\n$/);
    assert.equal(requests, 0, 'no request got through');
  });

  it('a server that never answers times out, after the configured retries', async () => {
    let connections = 0;
    const port = await listen(
      createHttp(() => {
        connections++; // and never answer
      }),
    );
    const res = await runCli(['sync', bundles], {
      POLICYLENS_API_URL: `http://127.0.0.1:${port}`,
      POLICYLENS_API_KEY: 'plk_secret_key',
      POLICYLENS_TIMEOUT_SECONDS: '0.2',
      POLICYLENS_RETRIES: '1',
    });
    assert.equal(res.status, 1);
    assert.equal(res.stderr, `policylens sync: live org 127.0.0.1:${port} did not answer within 0.2 s\n`);
    // Whether the retry reached the server before its own timeout depends on the machine's load.
    assert.ok(connections >= 1 && connections <= 2, `requests: ${connections}`);
  });

  it('a redirect is not followed (the key could travel on to another host)', async () => {
    let requests = 0;
    const port = await listen(
      createHttp((_req, res) => {
        requests++;
        res.writeHead(302, { Location: 'https://elsewhere.example/api/v1/policies' });
        res.end();
      }),
    );
    const res = await runCli(['sync', bundles], {
      POLICYLENS_API_URL: `http://127.0.0.1:${port}`,
      POLICYLENS_API_KEY: 'plk_secret_key',
    });
    assert.equal(res.status, 1);
    assert.equal(
      res.stderr,
      `policylens sync: live org 127.0.0.1:${port} answered with a redirect; set the API URL it redirects to\n`,
    );
    assert.equal(requests, 1);
  });

  it('an answer that is not the policies API is an error, not an empty org', async () => {
    const port = await listen(
      createHttp((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data: [{ title: 'not a policy' }], meta: { total: 1 } }));
      }),
    );
    const res = await runCli(['sync', bundles, '--apply'], {
      POLICYLENS_API_URL: `http://127.0.0.1:${port}`,
      POLICYLENS_API_KEY: 'plk_secret_key',
    });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /an entry has no string "id" and "name"; is this an Execlave-compatible API\?/);
    assert.equal(res.stdout, '');
  });

  it('a Retry-After longer than it is worth waiting fails at once and says when to come back', async () => {
    let requests = 0;
    const port = await listen(
      createHttp((_req, res) => {
        requests++;
        res.writeHead(429, { 'Retry-After': '3600', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down', fields: {} } }));
      }),
    );
    const res = await runCli(['history', 'x'], {
      POLICYLENS_API_URL: `http://127.0.0.1:${port}`,
      POLICYLENS_API_KEY: 'plk_secret_key',
    });
    assert.equal(res.status, 1);
    assert.equal(
      res.stderr,
      `policylens history: live org 127.0.0.1:${port}: rate limited (429); it asks to retry after 3600 s\n`,
    );
    assert.equal(requests, 1);
  });
});
