import type { EntityManager } from 'typeorm';

/**
 * Marks the authors of these flags to be counted again within a minute (StrikesService), in the
 * transaction that decided them or undid a decision: a decision may lift a restriction. An author
 * with no row yet gets one, so a reviewer's removal counts even where no statement of reasons is
 * made.
 */
export async function markStrikesForRecount(tx: EntityManager, flagIds: string[]): Promise<void> {
  if (flagIds.length === 0) return;
  await tx.query(
    `INSERT INTO author_strikes (source, author_id, strikes, level, recount_at)
     SELECT DISTINCT e.source, e.author_id, 0, 'none', now()
     FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
     WHERE f.id = ANY($1::uuid[])
     ON CONFLICT (source, author_id) DO UPDATE SET recount_at = now()`,
    [flagIds],
  );
}
