import type { DataSource } from 'typeorm';

/**
 * Ids of rows that are few and never change (score layouts, model names): each key is looked up
 * or created once per process with `upsertSql` (one parameter, `RETURNING id`), then known.
 */
export class InternedIds {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly upsertSql: string,
    /** The upsert's parameter for a key. */
    private readonly parameterOf: (key: string) => unknown = (key) => key,
  ) {}

  /** Each key's id, in order. */
  async ids(keys: string[]): Promise<number[]> {
    for (const key of new Set(keys)) {
      if (this.known.has(key)) continue;
      const [{ id }]: { id: number }[] = await this.db.query(this.upsertSql, [
        this.parameterOf(key),
      ]);
      this.known.set(key, id);
    }
    return keys.map((key) => this.known.get(key) as number);
  }
}
