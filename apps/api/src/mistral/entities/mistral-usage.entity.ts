import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Mistral usage per minute, endpoint and model, added to by every api replica. */
@Entity({ name: 'mistral_usage' })
export class MistralUsage {
  @PrimaryColumn({ type: 'timestamptz' })
  minute!: Date;

  @PrimaryColumn({ type: 'text' })
  endpoint!: string;

  @PrimaryColumn({ type: 'text' })
  model!: string;

  @Column({ type: 'integer' })
  requests!: number;

  /** bigint: pg returns it as a string. */
  @Column({ name: 'prompt_tokens', type: 'bigint' })
  promptTokens!: string;

  @Column({ name: 'completion_tokens', type: 'bigint' })
  completionTokens!: string;

  @Column({ name: 'cost_usd', type: 'numeric', precision: 14, scale: 6 })
  costUsd!: string;
}
