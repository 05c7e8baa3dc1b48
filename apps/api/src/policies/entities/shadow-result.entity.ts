import type { Decision, TriggeredCategory } from '@sieve/moderation';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Live vs shadow decision counts per hour of a draft's shadow run. */
@Entity({ name: 'shadow_stats' })
export class ShadowStat {
  @PrimaryColumn({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @PrimaryColumn({ type: 'timestamptz' })
  hour!: Date;

  @PrimaryColumn({ name: 'live_decision', type: 'text' })
  liveDecision!: Decision;

  @PrimaryColumn({ type: 'text' })
  decision!: Decision;

  @Column({ type: 'integer' })
  events!: number;
}

/** An event the draft in shadow decided differently from the live version. */
@Entity({ name: 'shadow_decisions' })
export class ShadowDecision {
  @PrimaryColumn({ name: 'policy_version', type: 'integer' })
  policyVersion!: number;

  @PrimaryColumn({ name: 'scored_event_id', type: 'uuid' })
  scoredEventId!: string;

  @Column({ name: 'live_decision', type: 'text' })
  liveDecision!: Decision;

  @Column({ type: 'text' })
  decision!: Decision;

  @Column({ type: 'jsonb' })
  triggered!: TriggeredCategory[];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
