import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from '../lsp/client';
import { inProcessRegistry } from '../sync/harness';
import { report } from './support/invariants';
import { timedRequest } from './support/lsp';

// What the editor shows and what leaves the machine, checked at the language server (the VS Code
// views render what it answers): policy names full of HTML stay text in hovers, lenses and the
// outline, and an API key or live org reaches the network only when the workspace is trusted.

const root = mkdtempSync(join(tmpdir(), 'policylens-lsp-trust-'));
mkdirSync(join(root, 'policies'));
const KEY = 'plk_hardening_trust_key_0123456789';
const counts = { hostileNames: 0, answers: 0, live: 0, keyAnswers: 0 };

after(() => {
  rmSync(root, { recursive: true, force: true });
  report(
    `${counts.hostileNames} HTML-laden policy names, ${counts.answers} answers checked for live HTML, ${counts.live} found; ${counts.keyAnswers} answers of a full sync searched for the key`,
  );
});

/**
 * Markdown with its code spans and fenced blocks removed (CommonMark: a span closes at the next
 * backtick run of the same length). What is left is rendered as markdown, HTML included.
 */
export function outsideCode(md: string): string {
  let out = '';
  let i = 0;
  while (i < md.length) {
    // A backslash before punctuation makes that character literal text.
    if (md[i] === '\\' && /[!-/:-@[-`{-~]/.test(md[i + 1] ?? '')) {
      i += 2;
      continue;
    }
    const run = /^`+/.exec(md.slice(i))?.[0];
    if (!run) {
      out += md[i++];
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const m = close.exec(md);
    if (!m) {
      // An unclosed run is literal backticks, and the rest is markdown.
      out += run;
      i += run.length;
      continue;
    }
    i = m.index + run.length;
  }
  return out;
}

/** Every markdown string in an LSP answer. */
function markdownIn(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  if (v.kind === 'markdown' && typeof v.value === 'string') return [v.value];
  return Object.values(v).flatMap(markdownIn);
}

describe('policy names full of HTML stay text', () => {
  const client = new LspClient();
  const names = [
    '<img src=x onerror=alert(1)>',
    'a` <img src=x onerror=alert(1)> `b',
    '``<script>alert(1)</script>``',
    'x\n\n<iframe src=javascript:alert(1)>',
    '[click](javascript:alert(1)) <a href="javascript:alert(1)">here</a>',
  ];
  before(async () => {
    await client.initialize({ rootUri: fileUri(root) });
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  for (const [i, name] of names.entries())
    it(`hover, outline, lenses and completion of ${JSON.stringify(name)}`, async () => {
      counts.hostileNames++;
      const uri = fileUri(join(root, 'policies', `html-${i}.yaml`));
      const text = `name: ${JSON.stringify(name)}\npolicyType: tool_call\nenforcementMode: block\nprerequisites: [${JSON.stringify(`${name}-other`)}]\nruleDefinition:\n  tools: [${JSON.stringify(name)}]\n`;
      client.open(uri, text);
      await client.waitForDiagnostics(uri, 1);
      const td = { textDocument: { uri } };
      const answers = [
        await timedRequest(client, 'textDocument/hover', { ...td, position: { line: 0, character: 8 } }),
        await timedRequest(client, 'textDocument/hover', { ...td, position: { line: 3, character: 18 } }),
        await timedRequest(client, 'textDocument/hover', { ...td, position: { line: 5, character: 12 } }),
        await timedRequest(client, 'textDocument/documentSymbol', td),
        await timedRequest(client, 'textDocument/codeLens', td),
        await timedRequest(client, 'textDocument/completion', {
          ...td,
          position: { line: 3, character: 16 },
        }),
      ];
      for (const md of answers.flatMap(markdownIn)) {
        counts.answers++;
        if (/<[A-Za-z!/?]|\]\(javascript:/i.test(outsideCode(md))) counts.live++;
        assert.doesNotMatch(outsideCode(md), /<[A-Za-z!/?]|\]\(javascript:/i, `live markup in:\n${md}`);
      }
      const hover = markdownIn(answers[0]).join('\n');
      assert.ok(hover.includes(name.replace(/\n/g, ' ')), `the hover shows the name as it is:\n${hover}`);
      client.close(uri);
    });
});

describe('a Preloop workflow named with HTML, hovered where a tool refers to it', () => {
  it('the hover shows the name and the declaration as text', async () => {
    const client = new LspClient();
    try {
      await client.initialize({ rootUri: fileUri(root) });
      const uri = fileUri(join(root, 'policies', 'preloop-html.yaml'));
      const name = 'fin` <img src=x onerror=alert(1)> ```';
      const text = `version: "1.0"\nmetadata: {name: refs}\napproval_workflows:\n  - name: ${JSON.stringify(name)}\n    approvals_required: 2\ntools:\n  - name: issue_refund\n    approval_workflow: ${JSON.stringify(name)}\n`;
      client.open(uri, text);
      await client.waitForDiagnostics(uri, 1);
      const hover = await timedRequest(client, 'textDocument/hover', {
        textDocument: { uri },
        position: { line: 7, character: 26 },
      });
      const mds = markdownIn(hover);
      assert.ok(mds.length > 0, 'the reference has a hover');
      for (const md of mds) {
        counts.answers++;
        if (/<[A-Za-z!/?]/.test(outsideCode(md))) counts.live++;
        assert.doesNotMatch(outsideCode(md), /<[A-Za-z!/?]/, `live markup in:\n${md}`);
      }
    } finally {
      await client.shutdown().catch(() => client.kill());
    }
  });
});

describe('the network, trusted and not', () => {
  let org: Server;
  let url: string;
  let hits = 0;
  before(async () => {
    org = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: [], meta: { total: 0, limit: 500, offset: 0 } }));
    });
    await new Promise<void>((r) => org.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(org.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => org.close(() => r())));

  /** Starts a server, opens a bundle and asks for everything that could read the live org. */
  async function session(env: NodeJS.ProcessEnv, trusted: boolean, settingsUrl: string): Promise<number> {
    hits = 0;
    const client = new LspClient(['--stdio'], env);
    client.settings = { apiUrl: settingsUrl };
    try {
      await client.initialize({
        rootUri: fileUri(root),
        initializationOptions: { trusted, apiUrl: settingsUrl },
      });
      const uri = fileUri(join(root, 'policies', 'net.yaml'));
      client.open(
        uri,
        'name: net\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n',
      );
      await client.waitForDiagnostics(uri, 1);
      await timedRequest(client, 'policyLens/workspacePlan', { refresh: true });
      await timedRequest(client, 'textDocument/codeLens', { textDocument: { uri } });
      await timedRequest(client, 'policyLens/history', { name: 'net' });
      await timedRequest(client, 'policyLens/verifyAuditChain', {});
      const said = JSON.stringify([client.logs, client.diagnostics, client.stderr]);
      assert.ok(!said.includes(KEY), 'the key appears in what the server said');
      return hits;
    } finally {
      await client.shutdown().catch(() => client.kill());
    }
  }

  // The extension hands the key only through the server's environment and blanks it (and every
  // inherited key variable) in an untrusted workspace; this is the server started that way while
  // the workspace settings and the user's shell both point at the org.
  const blanked = {
    POLICYLENS_API_KEY: '',
    POLICYLENS_API_URL: '',
    EXECLAVE_API_KEY: '',
    EXECLAVE_BASE_URL: '',
  };

  it('started as the extension starts it in an untrusted workspace, the server sends nothing', async () => {
    assert.equal(await session({ ...process.env, ...blanked }, false, url), 0);
  });

  it('the same server with the key, in a trusted workspace, does read the org (the check above can fail)', async () => {
    assert.ok(
      (await session(
        { ...process.env, ...blanked, POLICYLENS_API_KEY: KEY, POLICYLENS_API_URL: url },
        true,
        url,
      )) > 0,
    );
  });

  it('trusted: false alone keeps the server off the network, as the protocol promises', async () => {
    assert.equal(
      await session(
        { ...process.env, ...blanked, POLICYLENS_API_KEY: KEY, POLICYLENS_API_URL: url },
        false,
        url,
      ),
      0,
    );
  });
});

describe('the key after a full sync through the server', () => {
  it('plan, apply, history and verify: the key is in nothing the server says', async () => {
    const live = await inProcessRegistry();
    const client = new LspClient(['--stdio'], {
      ...process.env,
      POLICYLENS_API_KEY: live.key,
      POLICYLENS_API_URL: live.url,
      EXECLAVE_API_KEY: '',
      EXECLAVE_BASE_URL: '',
    });
    const said: unknown[] = [];
    const ask = async (method: string, params: unknown) => {
      const answer = await timedRequest(client, method, params);
      said.push(answer);
      return answer;
    };
    try {
      await client.initialize({
        rootUri: fileUri(root),
        initializationOptions: { trusted: true, apiUrl: live.url },
      });
      const uri = fileUri(join(root, 'policies', 'applied.yaml'));
      client.open(
        uri,
        'name: applied\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n',
      );
      await client.waitForDiagnostics(uri, 1);
      const plan = (await ask('policyLens/workspacePlan', { refresh: true })) as {
        state: string;
        fingerprint?: string;
      };
      assert.equal(plan.state, 'ok');
      const applied = (await ask('policyLens/applyPlan', { fingerprint: plan.fingerprint })) as {
        applied: boolean;
      };
      assert.equal(applied.applied, true);
      await ask('policyLens/history', { name: 'applied' });
      await ask('policyLens/verifyAuditChain', {});
      await ask('textDocument/codeLens', { textDocument: { uri } });
      // A wrong key too: the error the server reports must not quote it either.
      const wrong = 'plk_hardening_wrong_key_987654321';
      client.notify('policyLens/setApiKey', { apiKey: wrong });
      await ask('policyLens/workspacePlan', { refresh: true });
      const everything = JSON.stringify([
        said,
        client.logs,
        client.diagnostics,
        client.serverRequests,
        client.stderr,
      ]);
      assert.ok(!everything.includes(live.key), 'the key appears in what the server said');
      assert.ok(!everything.includes(wrong), 'the wrong key appears in what the server said');
      counts.keyAnswers += said.length;
    } finally {
      await client.shutdown().catch(() => client.kill());
      await live.close();
    }
  });
});
