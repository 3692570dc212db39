// A policy's history comes in pages bounded by the size of their changes. Each edit of a policy
// with a megabyte of metadata keeps both sides of the change, and 320 such versions made the whole
// history one string past V8's longest: a permanent 500 (3–4 GB of memory on the way) for that
// policy's history and `policylens history`. The page logic is checked with a small page here, on
// the real store over PGlite; the HTTP answer carries meta.total and offset. Each page also sized
// every change of the whole history to find where it starts (octet_length of each diff, 4,000
// events sized for each of a long history's pages): the rows a page reads are counted here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { historyOf } from '../../registry/audit';
import { ensureOrg, type Principal } from '../../registry/auth';
import { openDb, type Db } from '../../registry/db';
import { migrate } from '../../registry/migrations';
import { createPolicy, updatePolicy } from '../../registry/policies/store';
import { storeFields } from './api';
import { counting } from './counting';

const fields = (note: string) => storeFields('grows', { metadata: { note } });

let db: Db;
let principal: Principal;
let id = '';
let longId = '';
const VERSIONS = 30;
const LONG = 150;

before(async () => {
  db = await openDb({ memory: true });
  await migrate(db);
  principal = { orgId: await ensureOrg(db, 'history-pages'), orgName: 'history-pages', actorId: 'test' };
  id = (await createPolicy(db, principal, fields('v0'.padEnd(300, '.')), {})).policy.id;
  for (let v = 1; v < VERSIONS; v++)
    await updatePolicy(db, principal, id, () => fields(`v${v}`.padEnd(300, '.')), {});
  const long = (v: number) => storeFields('long', { metadata: { note: `v${v}`.padEnd(300, '.') } });
  longId = (await createPolicy(db, principal, long(0), {})).policy.id;
  for (let v = 1; v < LONG; v++) await updatePolicy(db, principal, longId, () => long(v), {});
});
after(async () => db?.close());

describe('a policy history in pages', () => {
  it('reads every event once, in order, page by page', async () => {
    const whole = await historyOf(db, principal.orgId, id);
    assert.equal(whole.total, VERSIONS);
    assert.equal(whole.events.length, VERSIONS);
    const paged: number[] = [];
    let pages = 0;
    // About 600 characters of change per edit: two or three events a page.
    while (paged.length < whole.total && pages < 100) {
      const page = await historyOf(db, principal.orgId, id, paged.length, 1_500);
      assert.ok(page.events.length >= 1 && page.events.length <= 3, `${page.events.length} events`);
      paged.push(...page.events.map((e) => e.seq));
      pages++;
    }
    assert.deepEqual(
      paged,
      whole.events.map((e) => e.seq),
    );
    assert.ok(pages >= 10, `${pages} pages`);
  });

  it('answers past the end with no events, and a policy never seen with total 0', async () => {
    assert.deepEqual(await historyOf(db, principal.orgId, id, VERSIONS), { events: [], total: VERSIONS });
    const other = await historyOf(db, principal.orgId, '00000000-0000-4000-8000-000000000000');
    assert.deepEqual(other, { events: [], total: 0 });
  });

  it('gives at least one event a page, however large', async () => {
    const page = await historyOf(db, principal.orgId, id, 3, 1);
    assert.equal(page.events.length, 1);
    assert.equal(page.events[0].seq, (await historyOf(db, principal.orgId, id)).events[3].seq);
  });

  it('reads the rows of its page, not the whole history', async (t) => {
    const c = counting(db);
    /** Rows the database returned for the page at `offset` of a policy's history. */
    const rowsFor = async (policy: string, offset: number) => {
      const start = c.rows();
      const page = await historyOf(c.db, principal.orgId, policy, offset, 1_500);
      assert.ok(page.events.length >= 1 && page.events.length <= 3, `${page.events.length} events`);
      return c.rows() - start;
    };
    const short = await rowsFor(id, VERSIONS - 3);
    const long = await rowsFor(longId, LONG - 3);
    const longStart = await rowsFor(longId, 1);
    t.diagnostic(
      `rows read for a page: ${short} near the end of ${VERSIONS} events, ${long} near the end of ${LONG}, ${longStart} at the start of ${LONG}`,
    );
    // Before: every event of the history sized (30 and 150 rows) and then the page's own.
    assert.ok(long <= short + 1, `${long} rows at ${LONG} events, ${short} at ${VERSIONS}`);
    assert.ok(long < 20 && longStart < 20, `${long} and ${longStart} rows for a page of at most 3 events`);
  });
});
