// Verifying the audit chain gives the registry's other requests a turn. PGlite answers queries
// through promises only, so verify's loop of queries never let the server read a request: 50,000
// events kept /health waiting 5.1 s, one policy's 520 large events 98 s. Now verify yields between
// pages and slices; the turns the event loop got while it ran are counted here, on the real store
// over PGlite. Writes that land meanwhile must not read as tampering.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyChain } from '../../registry/audit';
import { ensureOrg, type Principal } from '../../registry/auth';
import { openDb, type Db } from '../../registry/db';
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
});
