import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores } from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { InternedIds } from './interned-ids';

/** Scores as stored: a layout (sorted category names, score_layouts) and the values in its order. */
export interface CompactScores {
  layout: number;
  values: number[];
}

/** The SQL that turns stored scores back into an object, e.g. `${SCORES_JSON('e')} AS scores`. */
export const SCORES_JSON = (alias: string) =>
  `scores_json(${alias}.score_layout, ${alias}.score_values)`;

/**
 * Encodes scores for storage (CompactScores migration). The layouts are few and never change,
 * so each is looked up or created once per process and then known.
 */
@Injectable()
export class ScoreLayouts {
  private readonly layouts: InternedIds;

  constructor(@InjectDataSource() db: DataSource) {
    this.layouts = new InternedIds(
      db,
      `INSERT INTO score_layouts (categories) VALUES ($1)
       ON CONFLICT (categories) DO UPDATE SET categories = EXCLUDED.categories
       RETURNING id`,
      (key) => (key === '' ? [] : key.split('\n')),
    );
  }

  async encode(all: CategoryScores[]): Promise<CompactScores[]> {
    const names = all.map((scores) => Object.keys(scores).sort());
    const layouts = await this.layouts.ids(names.map(keyOf));
    return all.map((scores, i) => ({
      layout: layouts[i],
      values: names[i].map((name) => scores[name]),
    }));
  }
}

/** Category names never hold a line break (they are identifiers). */
const keyOf = (names: string[]) => names.join('\n');
