import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pgliteBackend, postgresBackend, type Backend } from '../registry/backends';
import { bodies } from './doors/bodies';
import { as, bundle, call, counts, KEY, type Doors } from './doors/context';
import { headers } from './doors/headers';
import { keys } from './doors/keys';
import { postgresOnly } from './doors/postgres';
import { report } from './support/invariants';
import { createKey, serve } from './support/registry';

// The registry's doors, knocked on through real HTTP against `policylens serve` on PGlite and on
// PostgreSQL: who gets in (doors/keys.ts), what an oversized or malformed body gets and whether
// hostile strings are stored verbatim (doors/bodies.ts), what foreign headers get
// (doors/headers.ts), and whether a key ever shows up in what the server prints (here).

/** The command lines of a process and of its children, as `ps` shows them to every user. */
function commandLines(pid: number): string[] {
  const lines = [readFileSync(`/proc/${pid}/cmdline`, 'utf8')];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid)
        lines.push(readFileSync(`/proc/${name}/cmdline`, 'utf8'));
    } catch {
      // Exited while we looked.
    }
  }
  return lines;
}

function doors(makeBackend: () => Backend | Promise<Backend>, label: string): void {
  describe(`registry doors on ${label}`, () => {
    const ctx = { presented: new Set<string>([KEY]) } as Doors;

    before(async () => {
      ctx.backend = await makeBackend();
      ctx.otherKey = createKey(ctx.backend.flags, 'other-org');
      ctx.presented.add(ctx.otherKey);
      // The key in the environment: a command line is readable by every user of the machine.
      ctx.s = await serve([...ctx.backend.flags, '--org', 'acme'], { POLICYLENS_SEED_KEY: KEY });
      const a = await call(ctx.s.url, 'POST', '/policies', { headers: as(KEY), body: bundle('acme-policy') });
      assert.equal(a.status, 201);
      ctx.idA = (a.json.data as { id: string }).id;
      const b = await call(ctx.s.url, 'POST', '/policies', {
        headers: as(ctx.otherKey),
        body: bundle('other-policy'),
      });
      assert.equal(b.status, 201);
    });

    after(async () => {
      await ctx.s?.stop();
      await ctx.backend?.cleanup();
    });

    keys(ctx);
    bodies(ctx);
    headers(ctx);

    it('the seed key came from the environment: no command line of the server shows it', () => {
      const lines = commandLines(ctx.s.child.pid!);
      assert.ok(lines.length >= 2, 'the CLI and its registry process');
      for (const line of lines) assert.ok(!line.includes(KEY), `a command line shows the key: ${line}`);
    });

    it('no key ever appears in what the server prints, and no request failed with a 5xx', async () => {
      // Each `call` asserted status < 500; the log lines the server writes for 5xx are checked too.
      const out = ctx.s.output();
      for (const k of ctx.presented)
        assert.ok(!out.includes(k), `the server printed a key: ${k.slice(0, 12)}…`);
      assert.ok(!/failed:/.test(out), `the server logged a failed request:\n${out.slice(0, 2000)}`);
    });

    if (label === 'PostgreSQL') postgresOnly(ctx);
  });
}

doors(pgliteBackend, 'PGlite');
doors(postgresBackend, 'PostgreSQL');

after(() =>
  report(
    `${counts.requests} requests at the registry's doors, ${counts.refused} refused as they should be (each asserted), ${counts.serverErrors} server errors`,
  ),
);
