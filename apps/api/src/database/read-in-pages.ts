import type { EntityManager } from 'typeorm';

let cursors = 0;

/**
 * Reads a query's rows a page at a time through a cursor, inside the caller's transaction: a
 * result of tens of thousands of vectors is never held whole (nor, as pg parses it, its text).
 */
export async function readInPages<Row>(
  tx: EntityManager,
  sql: string,
  params: unknown[],
  pageSize: number,
  each: (rows: Row[]) => void,
): Promise<void> {
  const cursor = `sieve_pages_${++cursors}`;
  await tx.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
  for (;;) {
    const rows: Row[] = await tx.query(`FETCH FORWARD ${pageSize} FROM ${cursor}`);
    if (rows.length) each(rows);
    if (rows.length < pageSize) break;
  }
  // On an error the transaction's rollback closes it.
  await tx.query(`CLOSE ${cursor}`);
}
