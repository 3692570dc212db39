import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatHistory, formatVerification } from '../../server/src/cli/commands/history';
import {
  formatApplyReport,
  formatPlan,
  planSync,
  printable,
  type DesiredBundle,
} from '../../server/src/core/index';
import { runCli } from './support/cli';
import { report } from './support/invariants';

// Control characters from policy files (names, keys, file names, values) and from a live org's
// answers must never reach a terminal raw: ESC starts sequences that recolour, retitle or clear the
// screen, BEL rings, CR rewrites the line, U+009B is a one-character CSI. Every human output
// prints them escaped (`\u001b`).

/** What a terminal would act on; line feeds are the reports' own structure and allowed. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

const ESC = '\u001b';
const BEL = '\u0007';
const CSI1 = '\u009b';
/** A name that retitles the terminal, turns the text red and clears the screen. */
const EVIL_NAME = `evil${ESC}]0;pwned${BEL}${ESC}[31m${CSI1}2J\u202Eeman`;

const dir = mkdtempSync(join(tmpdir(), 'policylens-output-'));
const counts = { outputs: 0, escapes: 0 };

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `${counts.outputs} human outputs searched for raw control characters, ${counts.escapes} escapes seen, 0 raw`,
  );
});

function assertNoRaw(text: string, context: string): void {
  counts.outputs++;
  const m = RAW.exec(text);
  assert.equal(
    m,
    null,
    `${context}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(0, 400))}`,
  );
  counts.escapes += (text.match(/\\u00(1b|07|9b)/g) ?? []).length;
}

describe('control characters from policy files, in the CLI', () => {
  const folder = join(dir, 'policies');
  before(() => {
    mkdirSync(folder);
    // A file name with ESC and BEL, a name and an unknown key with sequences, a missing prerequisite
    // named with a C1 CSI, and a second bundle that depends on the first.
    writeFileSync(
      join(folder, `title${ESC}]0;owned${BEL}.yaml`),
      [
        `name: ${JSON.stringify(EVIL_NAME)}`,
        'policyType: tool_call',
        'enforcementMode: block',
        'ruleDefinition:',
        '  tools: [search]',
        `"k${ESC}[2J": 1`,
        `prerequisites: ["ghost${CSI1}31m"]`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'child.yaml'),
      `name: child\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\nprerequisites: [${JSON.stringify(EVIL_NAME)}]\n`,
    );
  });

  it('lint (text) prints file names and messages escaped', () => {
    const r = runCli(['lint', folder]);
    assert.equal(r.status, 1, r.stderr);
    assertNoRaw(r.stdout, 'lint stdout');
    assertNoRaw(r.stderr, 'lint stderr');
    assert.match(r.stdout, /title\\u001b\]0;owned\\u0007\.yaml — invalid/);
    assert.match(r.stdout, /unknown key "k\\u001b\[2J"/);
  });

  it('chain (the table and --id) prints names, references and paths escaped', () => {
    const table = runCli(['chain', folder]);
    assert.equal(table.status, 1, table.stderr);
    assertNoRaw(table.stdout, 'chain stdout');
    assertNoRaw(table.stderr, 'chain stderr');
    assert.ok(table.stdout.includes(printable(EVIL_NAME)), table.stdout);
    assert.match(table.stdout, /prerequisite "ghost\\u009b31m" is not a policy/);
    const one = runCli(['chain', folder, '--id', EVIL_NAME]);
    assertNoRaw(one.stdout, 'chain --id stdout');
    assertNoRaw(one.stderr, 'chain --id stderr');
    assert.ok(one.stdout.includes(printable(EVIL_NAME)), one.stdout + one.stderr);
    const none = runCli(['chain', folder, '--id', `nobody${ESC}[2J`]);
    assertNoRaw(none.stderr, 'chain --id of no policy');
  });

  it('sync prints an invalid bundle escaped', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    // A bundle by its keys (content detection), invalid by an unknown key.
    writeFileSync(
      join(bad, `x${ESC}[2J.yaml`),
      `name: x\npolicyType: pii_access\nenforcementMode: block\n"k${BEL}": 1\n`,
    );
    const r = runCli(['sync', bad], 30_000);
    assert.equal(r.status, 1, r.stderr);
    assertNoRaw(r.stderr, 'sync stderr');
    assert.match(r.stderr, /x\\u001b\[2J\.yaml — invalid/);
  });
});

describe("control characters from the policies and the live org's answers, in sync and history", () => {
  const value = { name: EVIL_NAME, policyType: 'tool_call', enforcementMode: 'block' };
  const desired: DesiredBundle[] = [
    { name: EVIL_NAME, file: `dir${ESC}[2J/p.yaml`, value },
    { name: 'upd', file: 'upd.yaml', value: { ...value, name: 'upd', [`k${ESC}`]: `v${CSI1}` } },
  ];
  // A live policy whose values carry sequences, and one no bundle declares (pruned).
  const live = [
    { id: `id${ESC}`, name: 'upd', policyType: 'tool_call', enforcementMode: `log${ESC}[31m` },
    { id: 'gone', name: `gone${BEL}`, policyType: 'tool_call', enforcementMode: 'block' },
  ];

  it('the plan and the apply report', () => {
    const plan = planSync(desired, live, { prune: true });
    assert.ok(plan.steps.some((s) => s.action === 'update' && s.changes.length));
    assertNoRaw(formatPlan(plan), 'plan');
    assertNoRaw(
      formatApplyReport({
        results: [
          { step: plan.steps[0], ok: false, message: `refused${ESC}[31m by the server${BEL}` },
          { step: plan.steps[0], ok: true, liveId: `pol${CSI1}1`, message: `ok${ESC}c` },
        ],
        applied: 1,
        failed: 1,
      } as unknown as Parameters<typeof formatApplyReport>[0]),
      'apply report',
    );
  });

  it('history and its verification', () => {
    const event = {
      seq: 1,
      eventType: `policy.updated${ESC}[2J`,
      actorId: `key${BEL}`,
      changedAt: `2026-01-01${CSI1}`,
      version: 2,
      diff: { [`name${ESC}`]: { from: `a${ESC}[31m`, to: `b${CSI1}` } },
    };
    assertNoRaw(
      formatHistory(EVIL_NAME, [event] as unknown as Parameters<typeof formatHistory>[1]),
      'history',
    );
    assertNoRaw(
      formatVerification({
        ok: false,
        checked: 1,
        firstBroken: { seq: 1, eventType: `x${ESC}`, policyId: `p${BEL}`, reason: `bad${CSI1}` },
      } as unknown as Parameters<typeof formatVerification>[0]),
      'verification',
    );
  });
});

describe('printable', () => {
  it('escapes C0 (but tab), DEL, C1 and bidirectional controls, and nothing else', () => {
    assert.equal(printable('a\tb ✓ é 名'), 'a\tb ✓ é 名');
    assert.equal(
      printable(`${ESC}[31m${BEL}\r\n\u007f${CSI1}\u202e`),
      '\\u001b[31m\\u0007\\u000d\\u000a\\u007f\\u009b\\u202e',
    );
  });
});
