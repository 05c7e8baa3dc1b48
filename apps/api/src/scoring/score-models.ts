import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InternedIds } from './interned-ids';

/**
 * Model names as the score cache stores them: smallint ids (score_models, CompactScoreCache
 * migration). Models are few and never renamed, so each is looked up or created once per process.
 */
@Injectable()
export class ScoreModels {
  private readonly models: InternedIds;

  constructor(@InjectDataSource() db: DataSource) {
    this.models = new InternedIds(
      db,
      `INSERT INTO score_models (name) VALUES ($1)
       ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
       RETURNING id`,
    );
  }

  async idOf(name: string): Promise<number> {
    return (await this.models.ids([name]))[0];
  }

  /** Each name's id, in order. */
  ids(names: string[]): Promise<number[]> {
    return this.models.ids(names);
  }
}
