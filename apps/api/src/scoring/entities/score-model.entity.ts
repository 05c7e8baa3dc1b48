import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A model name the score cache refers to by id (CompactScoreCache migration). */
@Entity({ name: 'score_models' })
export class ScoreModel {
  @PrimaryGeneratedColumn('identity', { type: 'smallint', generatedIdentity: 'BY DEFAULT' })
  id!: number;

  @Column({ type: 'text', unique: true })
  name!: string;
}
