import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InternedIds } from './interned-ids';

/** The SQL for a stored row's model name, e.g. `${MODEL_NAME('e')} AS model`. */
export const MODEL_NAME = (alias: string) =>
  `(SELECT name FROM score_models WHERE id = ${alias}.model_id)`;

/**
 * Model names as scored events and the score cache store them: smallint ids (score_models;
 * CompactScoreCache and CompactScoredEvents migrations). Models are few and never renamed, so
 * each is looked up or created once per process.
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
