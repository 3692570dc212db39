// What a page of the policy list reads. A page ends once it holds 64 MB of policies (stored-size
// .test.ts, over HTTP), but every page first loaded as many policies as it was asked for (up to 500
// of up to 1 MiB each: half a gigabyte parsed to keep 64 MB) and only then dropped what did not fit.
// A page now reads its policies in batches that fit the room left; the rows the database returns
// for a page are counted here, on the real store over PGlite, with a small page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureOrg, type Principal } from '../../registry/auth';
import { openDb, type Db } from '../../registry/db';
import { migrate } from '../../registry/migrations';
import { createPolicy, listPolicies } from '../../registry/policies/store';
import { storeFields } from './api';
import { counting } from './counting';

let db: Db;
let large: Principal;
let small: Principal;
const LARGE = 40;
const SMALL = 150;
const blob = 'x'.repeat(10_000);

before(async () => {
  db = await openDb({ memory: true });
  await migrate(db);
  large = { orgId: await ensureOrg(db, 'list-large'), orgName: 'list-large', actorId: 'test' };
  small = { orgId: await ensureOrg(db, 'list-small'), orgName: 'list-small', actorId: 'test' };
  for (let i = 0; i < LARGE; i++)
    await createPolicy(db, large, storeFields(`large-${i}`, { metadata: { blob } }), {});
  for (let i = 0; i < SMALL; i++) await createPolicy(db, small, storeFields(`small-${i}`), {});
});
after(async () => db?.close());

describe('a page of the policy list', () => {
  it('reads the policies that fit its size, not all it may hold', async (t) => {
    const c = counting(db);
    const start = c.rows();
    // About 10 KB a policy: four fit in 50,000 characters.
    const page = await listPolicies(c.db, large.orgId, { limit: 500, offset: 0, pageChars: 50_000 });
    const read = c.rows() - start;
    t.diagnostic(`rows read for a page of ${page.data.length} of ${LARGE} policies: ${read}`);
    // The count, the page's policies and the one that did not fit; before, all 40 (the route
    // dropped 36 of them).
    assert.ok(read <= 7, `${read} rows read for a page of at most five policies`);
    assert.equal(page.total, LARGE);
    assert.ok(page.data.length >= 1 && page.data.length <= 5, `${page.data.length} policies`);
    assert.ok(read <= page.data.length + 2, `${read} rows read for a page of ${page.data.length}`);
  });

  it('read on from what came, gives every policy once, in order', async () => {
    const names: string[] = [];
    for (let pages = 0; names.length < LARGE && pages < 40; pages++) {
      const page = await listPolicies(db, large.orgId, {
        limit: 500,
        offset: names.length,
        pageChars: 50_000,
      });
      assert.ok(page.data.length >= 1);
      names.push(...page.data.map((p) => p.name));
    }
    assert.deepEqual(
      names,
      Array.from({ length: LARGE }, (_, i) => `large-${i}`),
    );
  });

  it('holds as many small policies as asked, whatever its batches', async () => {
    const whole = await listPolicies(db, small.orgId, { limit: 500, offset: 0 });
    assert.deepEqual(
      whole.data.map((p) => p.name),
      Array.from({ length: SMALL }, (_, i) => `small-${i}`),
    );
    const part = await listPolicies(db, small.orgId, { limit: 70, offset: 45 });
    assert.deepEqual(
      part.data.map((p) => p.name),
      Array.from({ length: 70 }, (_, i) => `small-${45 + i}`),
    );
    assert.equal(part.total, SMALL);
  });
});
