/** The registry's database port with every row a query returns counted (in transactions too). */
import type { Db, Queryable } from '../../registry/db';

export function counting(db: Db): { db: Db; rows: () => number } {
  let rows = 0;
  const wrap = (q: Queryable): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const out = await q.query<T>(sql, params);
      rows += out.length;
      return out;
    },
    exec: (sql) => q.exec(sql),
  });
  return {
    db: { ...db, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) },
    rows: () => rows,
  };
}
