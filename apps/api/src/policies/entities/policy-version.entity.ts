import type { CategoryRule, CustomCategory, PrecedentRule } from '@sieve/moderation';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type PolicyStatus = 'draft' | 'published';

@Entity({ name: 'policy_versions' })
export class PolicyVersion {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  status!: PolicyStatus;

  @Column({ name: 'category_set_id', type: 'text' })
  categorySetId!: string;

  @Column({ type: 'jsonb' })
  rules!: Record<string, CategoryRule>;

  @Column({ type: 'jsonb', default: {} })
  overrides!: Record<string, Record<string, CategoryRule>>;

  /** The platform's own rules, judged by a chat model (docs/custom-policies.md). */
  @Column({ name: 'custom_categories', type: 'jsonb', default: [] })
  customCategories!: CustomCategory[];

  /** Built-in scores this far under a review threshold get the judge's second opinion (0: off). */
  @Column({ name: 'gray_zone', type: 'real', default: 0 })
  grayZone!: number;

  /** Deciding near-copies of decided posts without a reviewer (docs/waves.md); null: off. */
  @Column({ type: 'jsonb', nullable: true })
  precedent!: PrecedentRule | null;

  @Column({ name: 'based_on', type: 'integer', nullable: true })
  basedOn!: number | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy!: string | null;

  @Column({ name: 'shadow_since', type: 'timestamptz', nullable: true })
  shadowSince!: Date | null;

  @Column({ name: 'change_note', type: 'text', nullable: true })
  changeNote!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
