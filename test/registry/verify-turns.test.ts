// Verifying the audit chain gives the registry's other requests a turn. PGlite answers queries
// through promises only, so verify's loop of queries never let the server read a request: 50,000
// events kept /health waiting 5.1 s, one policy's 520 large events 98 s. Now verify yields between
// pages and slices; the turns the event loop got while it ran are counted here, on the real store
// over PGlite. Writes that land meanwhile must not read as tampering.
//
// A page was 500 events whatever their size, and PGlite answers a query in one piece on the
// server's thread: 500 events of megabytes were one query of a gigabyte. Pages now end at 4 MB of
// events as well (their stored size, migration 005): the largest answer of a query is measured.
// The comparison of the live policies with their last audited snapshots had no turn at all; the
// turns during it are counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyChain } from '../../registry/verify';
import { ensureOrg, type Principal } from '../../registry/auth';
import { openDb, type Db, type Queryable } from '../../registry/db';
import { migrate } from '../../registry/migrations';
import { createPolicy, updatePolicy } from '../../registry/policies/store';
import { storeFields } from './api';

const fields = (name: string, n: number) =>
  storeFields(name, { ruleDefinition: { maxRequestsPerMinute: n } });

let db: Db;
let principal: Principal;
const ids: string[] = [];
const EVENTS = 1_200;

before(async () => {
  db = await openDb({ memory: true });
  await migrate(db);
  principal = { orgId: await ensureOrg(db, 'verify-turns'), orgName: 'verify-turns', actorId: 'test' };
  for (let i = 0; i < EVENTS; i++)
    ids.push((await createPolicy(db, principal, fields(`p-${i}`, 1), {})).policy.id);
});
after(async () => db?.close());

/** Runs `work`, counting the turns of the event loop (setImmediate callbacks) while it runs. */
async function turnsDuring<T>(work: Promise<T>, onTurn: (turn: number) => void = () => undefined) {
  let done = false;
  let turns = 0;
  const tick = () => {
    if (done) return;
    onTurn(++turns);
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work;
  done = true;
  return { result, turns };
}

describe('audit verify', () => {
  it('gives the event loop a turn between its pages', async () => {
    const { result, turns } = await turnsDuring(verifyChain(db, principal.orgId));
    assert.equal(result.ok, true);
    assert.equal(result.checked, EVENTS);
    // Three pages of 500 and the empty one that ends the walk; before, no turn at all.
    assert.ok(turns >= 3, `${turns} turns during the verify of ${EVENTS} events`);
  });

  it('reads writes that land while it runs as writes, not as tampering', async () => {
    const writes: Promise<unknown>[] = [];
    const { result, turns } = await turnsDuring(verifyChain(db, principal.orgId), (turn) => {
      if (turn <= 20)
        writes.push(updatePolicy(db, principal, ids[turn], () => fields(`p-${turn}`, 2 + turn), {}));
    });
    await Promise.all(writes);
    assert.ok(turns >= 3, `${turns} turns`);
    assert.equal(result.live.mismatched, 0, JSON.stringify(result.live.mismatches));
    assert.equal(result.ok, true);
    const again = await verifyChain(db, principal.orgId);
    assert.equal(again.ok, true);
    assert.equal(again.checked, EVENTS + 20);
  });

  it('reads large events in pages of a bounded size', async (t) => {
    const org = { orgId: await ensureOrg(db, 'verify-large'), orgName: 'verify-large', actorId: 'test' };
    const big = (name: string, fill: string) =>
      storeFields(name, { metadata: { blob: fill.repeat(300_000) } });
    // 24 creates of 300 KB and 24 updates of 900 KB (both sides of the change and the snapshot).
    for (let i = 0; i < 24; i++) {
      const id = (await createPolicy(db, org, big(`big-${i}`, 'a'), {})).policy.id;
      await updatePolicy(db, org, id, () => big(`big-${i}`, 'b'), {});
    }
    let largest = 0;
    const measured: Queryable = {
      async query<T>(sql: string, params?: readonly unknown[]) {
        const rows = await db.query<T>(sql, params);
        largest = Math.max(largest, JSON.stringify(rows).length);
        return rows;
      },
      exec: (sql) => db.exec(sql),
    };
    let longestGap = 0;
    let last = performance.now();
    const { result, turns } = await turnsDuring(verifyChain(measured, org.orgId), () => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    });
    t.diagnostic(
      `largest answer ${(largest / 1e6).toFixed(1)} MB, ${turns} turns, longest wait between turns ${longestGap.toFixed(0)} ms`,
    );
    assert.equal(result.ok, true, JSON.stringify(result.live.mismatches));
    assert.equal(result.checked, 48);
    // 4 MB a page, and one event of about a megabyte past it; before, all 48 events in one answer.
    assert.ok(largest < 6e6, `a query answered ${largest} characters of events`);
  });

  it('gives the event loop turns while it compares the live policies', async (t) => {
    let comparing = false;
    const watched: Queryable = {
      async query<T>(sql: string, params?: readonly unknown[]) {
        if (/FROM policies/.test(sql)) comparing = true;
        return db.query<T>(sql, params);
      },
      exec: (sql) => db.exec(sql),
    };
    let turnsComparing = 0;
    const { result } = await turnsDuring(verifyChain(watched, principal.orgId), () => {
      if (comparing) turnsComparing++;
    });
    t.diagnostic(`${turnsComparing} turns while ${result.live.checked} live policies were compared`);
    assert.equal(result.ok, true);
    // Three pages of 500 policies; before, no turn at all.
    assert.ok(turnsComparing >= 3, `${turnsComparing} turns while comparing`);
  });
});
