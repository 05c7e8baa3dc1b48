import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Model names as the score cache stores them: smallint ids (score_models, CompactScoreCache
 * migration). Models are few and never renamed, so each is looked up or created once per process.
 */
@Injectable()
export class ScoreModels {
  private readonly known = new Map<string, number>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async idOf(name: string): Promise<number> {
    return (await this.ids([name]))[0];
  }

  /** Each name's id, in order. */
  async ids(names: string[]): Promise<number[]> {
    for (const name of new Set(names)) {
      if (this.known.has(name)) continue;
      const [{ id }]: { id: number }[] = await this.db.query(
        `INSERT INTO score_models (name) VALUES ($1)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
         RETURNING id`,
        [name],
      );
      this.known.set(name, id);
    }
    return names.map((name) => this.known.get(name) as number);
  }
}
