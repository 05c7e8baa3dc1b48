import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ExplanationDto, FollowUpDto } from '@sieve/contracts';
import type { Message } from '@sieve/mistral';
import { categorySetById, type ExplanationCard } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PolicyProvider } from '../policies/policy-provider';
import type { Explainer } from './explainers';

export const EXPLAINER = Symbol('EXPLAINER');

interface StoredRow {
  id: string;
  explainer: 'mistral' | 'offline';
  model: string;
  card: ExplanationCard;
  conversation: Message[];
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: string;
  created_at: Date;
}

/** The first two messages are the prompt; after the first answer, every pair is a follow-up. */
const FIRST_ANSWER_END = 3;

@Injectable()
export class ExplanationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(EXPLAINER) private readonly explainer: Explainer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policies: PolicyProvider,
    private readonly audit: AuditService,
  ) {}

  async latest(flagId: string): Promise<ExplanationDto | null> {
    const [row]: StoredRow[] = await this.db.query(
      `SELECT * FROM explanations WHERE flag_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [flagId],
    );
    return row ? toDto(row) : null;
  }

  /** Reuses the stored explanation unless `regenerate`; otherwise asks the explainer and stores the answer. */
  async explain(
    flagId: string,
    who: Principal,
    regenerate: boolean,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<ExplanationDto> {
    if (!regenerate) {
      const stored = await this.latest(flagId);
      if (stored) return stored;
    }
    const [flag]: { text: string; scores: Record<string, number>; policy_version: number }[] =
      await this.db.query(
        `SELECT e.text, e.scores, e.policy_version FROM flags f JOIN scored_events e ON e.id = f.scored_event_id WHERE f.id = $1`,
        [flagId],
      );
    if (!flag) throw new NotFoundException(`Flag ${flagId} does not exist`);
    const policy =
      (await this.policies.version(flag.policy_version)) ?? (await this.policies.activePolicy());
    const categories = categorySetById(this.config.CATEGORY_SET).categories;
    const result = await this.explainer.explain(
      { text: flag.text, scores: flag.scores, categories, policy },
      onDelta,
      signal,
    );
    const [row]: StoredRow[] = await this.db.query(
      `INSERT INTO explanations (flag_id, explainer, model, card, conversation, prompt_tokens, completion_tokens, cost_usd, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        flagId,
        this.explainer.kind,
        this.explainer.model,
        JSON.stringify(result.card),
        JSON.stringify(result.conversation),
        result.usage.promptTokens,
        result.usage.completionTokens,
        result.usage.costUsd,
        who.kind === 'user' ? who.id : null,
      ],
    );
    await this.audit.record({
      actor: who,
      action: 'flag.explained',
      objectType: 'flag',
      objectId: flagId,
      details: { explanationId: row.id, model: row.model, costUsd: result.usage.costUsd },
    });
    return toDto(row);
  }

  /** Continues the stored conversation with the reviewer's question. */
  async followUp(
    flagId: string,
    who: Principal,
    question: string,
    onDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<ExplanationDto> {
    const [row]: StoredRow[] = await this.db.query(
      `SELECT * FROM explanations WHERE flag_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [flagId],
    );
    if (!row)
      throw new NotFoundException('Ask for an explanation before asking a follow-up question');
    const result = await this.explainer.followUp(row.conversation, question, onDelta, signal);
    const [updated]: [StoredRow[], number] = await this.db.query(
      `UPDATE explanations SET conversation = $2, prompt_tokens = prompt_tokens + $3, completion_tokens = completion_tokens + $4,
              cost_usd = cost_usd + $5, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        row.id,
        JSON.stringify(result.conversation),
        result.usage.promptTokens,
        result.usage.completionTokens,
        result.usage.costUsd,
      ],
    );
    await this.audit.record({
      actor: who,
      action: 'flag.explanation_followup',
      objectType: 'flag',
      objectId: flagId,
      details: { explanationId: row.id },
    });
    return toDto(updated[0]);
  }
}

function toDto(row: StoredRow): ExplanationDto {
  const followUps: FollowUpDto[] = [];
  const start = row.explainer === 'offline' ? 0 : FIRST_ANSWER_END;
  for (let i = start; i + 1 < row.conversation.length; i += 2) {
    followUps.push({
      question: String(row.conversation[i].content),
      answer: String(row.conversation[i + 1].content),
    });
  }
  return {
    id: row.id,
    explainer: row.explainer,
    model: row.model,
    card: row.card,
    followUps,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    costUsd: Number(row.cost_usd),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
