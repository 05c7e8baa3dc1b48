import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ExplanationDto, FollowUpDto } from '@sieve/contracts';
import { categorySetById } from '@sieve/moderation';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PolicyProvider } from '../policies/policy-provider';
import { FlagsService } from '../flags/flags.service';
import { Explanation } from './entities/explanation.entity';
import type { Explainer } from './explainers';

export const EXPLAINER = Symbol('EXPLAINER');

/** The first two messages are the prompt; after the first answer, every pair is a follow-up. */
const FIRST_ANSWER_END = 3;

@Injectable()
export class ExplanationsService {
  constructor(
    @InjectRepository(Explanation) private readonly explanations: Repository<Explanation>,
    private readonly flags: FlagsService,
    @Inject(EXPLAINER) private readonly explainer: Explainer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policies: PolicyProvider,
    private readonly audit: AuditService,
  ) {}

  async latest(flagId: string): Promise<ExplanationDto | null> {
    const row = await this.stored(flagId);
    return row ? toDto(row) : null;
  }

  /** The flag's latest explanation. */
  private stored(flagId: string): Promise<Explanation | null> {
    return this.explanations.findOne({ where: { flagId }, order: { createdAt: 'DESC' } });
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
    const flag = await this.flags.scoredEvent(flagId);
    const policy =
      (await this.policies.version(flag.policyVersion)) ?? (await this.policies.activePolicy());
    const categories = categorySetById(this.config.CATEGORY_SET).categories;
    const result = await this.explainer.explain(
      { text: flag.text, scores: flag.scores, categories, policy },
      onDelta,
      signal,
    );
    const row = await this.explanations.save(
      this.explanations.create({
        flagId,
        explainer: this.explainer.kind,
        model: this.explainer.model,
        card: result.card,
        conversation: result.conversation,
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        costUsd: String(result.usage.costUsd),
        createdBy: who.kind === 'user' ? who.id : null,
      }),
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
    const row = await this.stored(flagId);
    if (!row)
      throw new NotFoundException('Ask for an explanation before asking a follow-up question');
    const result = await this.explainer.followUp(row.conversation, question, onDelta, signal);
    await this.explanations
      .createQueryBuilder()
      .update()
      .set({
        conversation: result.conversation,
        promptTokens: () => 'prompt_tokens + :promptTokens',
        completionTokens: () => 'completion_tokens + :completionTokens',
        costUsd: () => 'cost_usd + :costUsd',
        updatedAt: () => 'now()',
      })
      .where('id = :id', { id: row.id, ...result.usage })
      .execute();
    const updated = await this.explanations.findOneByOrFail({ id: row.id });
    await this.audit.record({
      actor: who,
      action: 'flag.explanation_followup',
      objectType: 'flag',
      objectId: flagId,
      details: { explanationId: row.id },
    });
    return toDto(updated);
  }
}

function toDto(row: Explanation): ExplanationDto {
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
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    costUsd: Number(row.costUsd),
    createdAt: row.createdAt.toISOString(),
  };
}
