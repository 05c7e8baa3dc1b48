import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
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
import { ExplanationBudget } from './explanation-budget';
import type { Explainer, OnProgress, Usage } from './explainers';

export const EXPLAINER = Symbol('EXPLAINER');

/** The first two messages are the prompt; after the first answer, every pair is a follow-up. */
const FIRST_ANSWER_END = 3;

/** What answering a request takes: the stored explanation, or a model call already admitted. */
export type ExplanationRun =
  | { stored: ExplanationDto }
  | { run: (onProgress: OnProgress, signal: AbortSignal) => Promise<ExplanationDto> };

@Injectable()
export class ExplanationsService {
  constructor(
    @InjectRepository(Explanation) private readonly explanations: Repository<Explanation>,
    private readonly flags: FlagsService,
    @Inject(EXPLAINER) private readonly explainer: Explainer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policies: PolicyProvider,
    private readonly budget: ExplanationBudget,
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

  /**
   * Decides, before anything is streamed, how a request is answered: the stored explanation is
   * reused unless `regenerate`; a model call must fit the person's daily budget (429) and a
   * conversation its follow-up cap (409). An erased post has nothing to explain (409).
   */
  async start(
    flagId: string,
    who: Principal,
    request: { question?: string; regenerate?: boolean },
  ): Promise<ExplanationRun> {
    const flag = await this.flags.scoredEvent(flagId);
    // Erasure deleted the post's explanations; the model would only be shown an empty post.
    if (flag.erased)
      throw new ConflictException({
        code: 'text_erased',
        message: "The post's text was erased at the author's request: there is nothing to explain",
      });
    const row = await this.stored(flagId);
    if (request.question !== undefined) {
      if (!row)
        throw new NotFoundException('Ask for an explanation before asking a follow-up question');
      if (toDto(row).followUps.length >= this.config.EXPLAIN_MAX_FOLLOW_UPS)
        throw new ConflictException(
          `This conversation has reached its ${this.config.EXPLAIN_MAX_FOLLOW_UPS} follow-up questions: ask again for a fresh explanation`,
        );
      const question = request.question;
      const requestId = await this.budget.reserve(who.id, flagId, 'follow_up');
      return {
        run: (onProgress, signal) =>
          this.followUp(row, flag.text, who, question, requestId, onProgress, signal),
      };
    }
    if (row && !request.regenerate) return { stored: toDto(row) };
    const requestId = await this.budget.reserve(who.id, flagId, row ? 'regenerate' : 'explain');
    return {
      run: (onProgress, signal) => this.explain(flagId, flag, who, requestId, onProgress, signal),
    };
  }

  private async explain(
    flagId: string,
    flag: Awaited<ReturnType<FlagsService['scoredEvent']>>,
    who: Principal,
    requestId: string,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<ExplanationDto> {
    const policy =
      (await this.policies.version(flag.policyVersion)) ?? (await this.policies.activePolicy());
    const categories = categorySetById(this.config.CATEGORY_SET).categories;
    const result = await this.explainer.explain(
      { text: flag.text, scores: flag.scores, categories, policy },
      onProgress,
      signal,
    );
    await this.budget.settle(requestId, tokensOf(result.usage));
    const row = await this.explanations.save(
      this.explanations.create({
        flagId,
        explainer: this.explainer.kind,
        model: this.explainer.model,
        card: result.card,
        conversation: result.conversation,
        followUps: [],
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        costUsd: String(result.usage.costUsd),
        createdBy: who.id,
      }),
    );
    await this.audit.record({
      actor: who,
      action: 'flag.explained',
      objectType: 'flag',
      objectId: flagId,
      details: {
        explanationId: row.id,
        model: row.model,
        costUsd: result.usage.costUsd,
        warnings: result.card.warnings.map((w) => w.code),
      },
    });
    return toDto(row);
  }

  /** Continues the stored conversation with the reviewer's question. */
  private async followUp(
    row: Explanation,
    post: string,
    who: Principal,
    question: string,
    requestId: string,
    onProgress: OnProgress,
    signal: AbortSignal,
  ): Promise<ExplanationDto> {
    const result = await this.explainer.followUp(
      row.conversation,
      question,
      post,
      onProgress,
      signal,
    );
    await this.budget.settle(requestId, tokensOf(result.usage));
    const followUp: FollowUpDto = { question, ...result.answer };
    await this.explanations
      .createQueryBuilder()
      .update()
      .set({
        conversation: () => ':conversation::jsonb',
        followUps: () => `follow_ups || jsonb_build_array(:followUp::jsonb)`,
        promptTokens: () => 'prompt_tokens + :promptTokens',
        completionTokens: () => 'completion_tokens + :completionTokens',
        costUsd: () => 'cost_usd + :costUsd',
        updatedAt: () => 'now()',
      })
      .where('id = :id', {
        id: row.id,
        conversation: JSON.stringify(result.conversation),
        followUp: JSON.stringify(followUp),
        ...result.usage,
      })
      .execute();
    const updated = await this.explanations.findOneByOrFail({ id: row.id });
    await this.audit.record({
      actor: who,
      action: 'flag.explanation_followup',
      objectType: 'flag',
      objectId: row.flagId,
      details: {
        explanationId: row.id,
        costUsd: result.usage.costUsd,
        warnings: result.answer.warnings.map((w) => w.code),
      },
    });
    return toDto(updated);
  }
}

const tokensOf = (usage: Usage) => usage.promptTokens + usage.completionTokens;

function toDto(row: Explanation): ExplanationDto {
  return {
    id: row.id,
    explainer: row.explainer,
    model: row.model,
    card: { ...row.card, warnings: row.card.warnings ?? [] },
    followUps: row.followUps.length > 0 ? row.followUps : legacyFollowUps(row),
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    costUsd: Number(row.costUsd),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Follow-ups stored before answers were checked: shown, and labelled as unchecked. */
function legacyFollowUps(row: Explanation): FollowUpDto[] {
  const followUps: FollowUpDto[] = [];
  const start = row.explainer === 'offline' ? 0 : FIRST_ANSWER_END;
  for (let i = start; i + 1 < row.conversation.length; i += 2) {
    followUps.push({
      question: String(row.conversation[i].content),
      answer: String(row.conversation[i + 1].content),
      quotes: [],
      warnings: [
        {
          code: 'unchecked',
          message: 'Given before Sieve checked follow-up answers: its quotes were not verified.',
        },
      ],
    });
  }
  return followUps;
}
