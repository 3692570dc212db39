import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from '../lsp/client';
import { runCliAsync } from './support/cli';
import { report } from './support/invariants';
import { PEAK_LIMIT_MB, peakRecorder } from './support/peak';

// Regular expressions from policies run against event text: an Agent Sentinel argument `pattern`,
// a Preloop custom pattern, a CEL `matches()` in an Execlave expression. Each of these nested
// quantifiers against 34 `o`s and a `!` backtracked without end: `eval`, `test` and the editor's
// Test Explorer hung (killed at the timeout). The CLI and the language server now enable V8's
// linear-time engine and build every policy pattern for it (server/src/boot/regexp.ts,
// core/regexRisk.ts); the answers stay the same. A case-insensitive pattern (`(?i)`, `flags: [i]`),
// which that engine refuses, is spelled without the flag for it (core/regexCaseless.ts).

const dir = mkdtempSync(join(tmpdir(), 'policylens-regex-'));
const O = 'o'.repeat(34) + '!';
const figures: string[] = [];

const POLICIES: Record<string, { file: string; text: string; decision: string }> = {
  sentinel: {
    file: 'callguard.yaml',
    text: "evidence:\n  argument_constraints:\n    issue_refund:\n      properties:\n        order_id: {type: string, pattern: '^(o+)+-\\d+$'}\n",
    // The order id does not match its pattern: the action is blocked.
    decision: 'block',
  },
  preloop: {
    file: 'rules.yaml',
    text: 'version: "1.0"\nmetadata: {name: nested}\nsensitive_data:\n  detectors:\n    custom_patterns:\n      - {name: ooo, regex: \'^(o+)+$\'}\n  rules:\n    - id: ooo-out\n      on: [tool.args]\n      types: [ooo]\n      action: deny\n',
    // The text does not match (it ends with `!`): nothing found, the call is allowed.
    decision: 'allow',
  },
  execlave: {
    file: 'expr.yaml',
    text: 'name: order-shape\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: \'environment.matches("^(o+)+$")\'\n',
    decision: 'allow',
  },
  // V8's linear-time engine refuses the `i` flag: these backtracked (core/regexCaseless.ts).
  'execlave-caseless': {
    file: 'expr.yaml',
    text: 'name: order-shape\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: \'environment.matches("(?i)^(o+)+$")\'\n',
    decision: 'allow',
  },
  'preloop-caseless': {
    file: 'rules.yaml',
    text: 'version: "1.0"\nmetadata: {name: nested}\nsensitive_data:\n  detectors:\n    custom_patterns:\n      - {name: ooo, regex: \'^(O+)+$\', flags: [i]}\n  rules:\n    - id: ooo-out\n      on: [tool.args]\n      types: [ooo]\n      action: deny\n',
    decision: 'allow',
  },
};

const event = {
  action: 'issue_refund',
  args: { order_id: O },
  run_id: 'r1',
  tool: { name: 'issue_refund', arguments: { order_id: O } },
  environment: O,
  timestamp: '2026-12-02T10:00:00Z',
};

before(() => {
  for (const [name, p] of Object.entries(POLICIES)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, p.file), p.text);
    writeFileSync(
      join(dir, name, 'case.policytest.yaml'),
      `policies: ${p.file}\ncases:\n  - name: nested quantifiers\n    event: ${JSON.stringify({ ...event, at: event.timestamp })}\n    expect:\n      decision: ${p.decision}\n`,
    );
  }
  writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(`patterns with nested quantifiers against 35 characters: ${figures.join('; ')}`);
});

describe('a policy pattern that backtracks without end', () => {
  for (const [name, p] of Object.entries(POLICIES)) {
    it(`${name}: eval and test answer, with the decision the pattern gives`, async () => {
      const started = Date.now();
      const ev = await runCliAsync(
        ['eval', join(dir, name, p.file), '--event', join(dir, 'event.json'), '--format', 'json'],
        30_000,
      );
      assert.equal(ev.signal, null, `eval killed (a hang): ${ev.stderr.slice(0, 500)}`);
      assert.equal(
        (JSON.parse(ev.stdout) as { decision: string }).decision,
        p.decision,
        ev.stdout.slice(0, 500),
      );
      const t = await runCliAsync(['test', join(dir, name, 'case.policytest.yaml')], 30_000);
      assert.equal(t.signal, null, `test killed (a hang): ${t.stderr.slice(0, 500)}`);
      assert.equal(t.status, 0, t.stdout + t.stderr);
      figures.push(`${name} eval + test ${Date.now() - started} ms`);
    });
  }

  it(`the engine's own patterns stay on the backtracking engine: PII over 1 MB under ${PEAK_LIMIT_MB} MB`, async () => {
    // V8's switch that moves any match past 50,000 backtracks to the linear engine (tried first)
    // moved the e-mail detector's scan of this text: 9.4 s and 1.1 GB.
    const pii = join(dir, 'pii.json');
    writeFileSync(
      pii,
      JSON.stringify({
        name: 'PII',
        policyType: 'pii_access',
        enforcementMode: 'monitor',
        ruleDefinition: { denied_pii_types: ['email', 'phone', 'credit_card'], mask_output: true },
      }),
    );
    const text = `${'a'.repeat(50)}@`.repeat(20_000);
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({ input: text, output: text, timestamp: event.timestamp }),
    );
    const peak = peakRecorder(dir);
    const r = await runCliAsync(
      ['eval', pii, '--event', join(dir, 'big.json'), '--format', 'json'],
      60_000,
      peak.nodeArgs,
    );
    assert.equal(r.signal, null, r.stderr.slice(0, 500));
    assert.equal((JSON.parse(r.stdout) as { decision: string }).decision, 'allow');
    const mb = peak.readMb();
    figures.push(`PII over ${Math.round(text.length / 1024)} KB twice: ${mb} MB`);
    assert.ok(mb <= PEAK_LIMIT_MB, `eval peak ${mb} MB`);
  });

  it('the e-mail detector reads a long run of address characters once: 1 MB of base64 and an address', async () => {
    // From every position of a run of characters an address's local part may hold, the e-mail
    // pattern read to the run's end looking for an `@`: 100,000 letters and one address took 25 s,
    // this event (a pasted blob) did not answer. The scan starts from the `@` signs now.
    const pii = join(dir, 'email.json');
    writeFileSync(
      pii,
      JSON.stringify({
        name: 'Emails',
        policyType: 'pii_access',
        enforcementMode: 'block',
        ruleDefinition: { denied_pii_types: ['email'] },
      }),
    );
    const blob = 'QUJDREVG+09xYWJj'.repeat(65_536);
    writeFileSync(
      join(dir, 'blob.json'),
      JSON.stringify({ input: `${blob} mail jane@example.com`, timestamp: event.timestamp }),
    );
    const started = Date.now();
    const r = await runCliAsync(['eval', pii, '--event', join(dir, 'blob.json'), '--format', 'json'], 60_000);
    assert.equal(r.signal, null, `eval killed (a hang): ${r.stderr.slice(0, 500)}`);
    const out = JSON.parse(r.stdout) as { decision: string; violations: { message: string }[] };
    assert.equal(out.decision, 'block');
    assert.match(out.violations[0].message, /input: email/);
    figures.push(`e-mail detector over a 1 MB run ${Date.now() - started} ms`);
  });

  it("the language server's Test Explorer runs them too", { timeout: 60_000 }, async () => {
    const client = new LspClient();
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      for (const [name] of Object.entries(POLICIES)) {
        const started = Date.now();
        const r = await client.request<{ cases: { passed?: boolean; decision?: string }[]; error?: string }>(
          'policyLens/policyTests',
          { uri: fileUri(join(dir, name, 'case.policytest.yaml')), run: true },
        );
        assert.equal(r.error, undefined, name);
        assert.deepEqual(
          r.cases.map((c) => [c.passed, c.decision]),
          [[true, POLICIES[name].decision]],
          name,
        );
        figures.push(`server ${name} ${Date.now() - started} ms`);
      }
    } finally {
      await client.shutdown();
    }
  });
});
