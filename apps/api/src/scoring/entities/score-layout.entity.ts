import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A set of score categories, sorted: stored scores are arrays in one of these orders
 * (CompactScores migration). A handful exist, one per category set a scorer answered with.
 */
@Entity({ name: 'score_layouts' })
export class ScoreLayout {
  @PrimaryGeneratedColumn('identity', { type: 'smallint', generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ type: 'text', array: true, unique: true })
  categories!: string[];
}
