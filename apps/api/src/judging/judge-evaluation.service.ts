import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JudgeEvaluationDto, JudgeEvaluationItemDto } from '@sieve/contracts';
import {
  type CustomCategory,
  customTarget,
  judgeQuality,
  type JudgeTarget,
  OFFLINE_JUDGE_ID,
  truncateText,
} from '@sieve/moderation';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PolicyProvider } from '../policies/policy-provider';
import { JudgeEvaluation } from './entities/judging.entities';
import { JudgingService } from './judging.service';

interface SetItem {
  from: JudgeEvaluationItemDto['from'];
  flagId: string | null;
  text: string;
  expected: boolean;
}

/**
 * Proves a custom category before it acts: the judge answers for every item of its evaluation
 * set — reviewers' decisions on flags it raised (removed: a violation; approved: not), newest
 * first, and the rule's own examples — and precision and recall against those answers are kept
 * per rule version. The examples are in the judge's prompt, so they check that the rule is read
 * as meant; the reviewer decisions measure it (both are reported). Every evaluation is audited
 * when it starts.
 */
@Injectable()
export class JudgeEvaluationService {
  private readonly logger = new Logger('JudgeEvaluation');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly judging: JudgingService,
    private readonly policies: PolicyProvider,
    private readonly audit: AuditService,
  ) {}

  /**
   * Judges the set now and returns the result; with `viaBatchApi` (and a Mistral judge), starts
   * one Batch API job and returns the evaluation `running` at once: the list shows it finish.
   */
  async evaluate(
    policyVersion: number,
    name: string,
    actor: Principal,
    ip: string,
    viaBatchApi = false,
  ): Promise<JudgeEvaluationDto> {
    const policy = await this.policies.version(policyVersion);
    if (!policy) throw new NotFoundException(`Policy version ${policyVersion} does not exist`);
    const category = policy.customCategories?.find((c) => c.name === name);
    if (!category)
      throw new NotFoundException({
        message: `Version ${policyVersion} has no custom category ${name}`,
        code: 'unknown_custom_category',
      });
    const target = customTarget(category);
    const set = await this.evaluationSet(category);
    const repo = this.db.getRepository(JudgeEvaluation);
    const batch = viaBatchApi && !!this.judging.judge.judgeInBatchJob;
    const row = await this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(JudgeEvaluation).save(
        repo.create({
          category: name,
          targetVersion: target.version,
          policyVersion,
          judge: this.judging.judge.model,
          ...judgeQuality([]),
          results: [],
          status: 'running',
          viaBatchApi: batch,
          createdBy: actor.kind === 'user' ? actor.id : null,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.custom_category_evaluated',
          objectType: 'policy',
          objectId: String(policyVersion),
          ip,
          details: {
            category: name,
            targetVersion: target.version,
            items: set.length,
            viaBatchApi: batch,
          },
        },
        tx,
      );
      return saved;
    });
    const run = this.run(row.id, category.reviewThreshold, target, set, batch);
    if (batch) {
      // The job may take minutes (Mistral allows it hours): the page polls the list meanwhile.
      run.catch((error: Error) =>
        this.logger.warn(`evaluation ${row.id} failed: ${error.message}`),
      );
      return this.toDto(row);
    }
    return this.toDto(await run);
  }

  /**
   * Reviewer decisions on flags the category raised, newest first (erased posts left out: their
   * text is gone), then its examples.
   */
  private async evaluationSet(category: CustomCategory): Promise<SetItem[]> {
    const examples: SetItem[] = [
      ...category.violatingExamples.map((text) => ({
        from: 'violating_example' as const,
        flagId: null,
        text,
        expected: true,
      })),
      ...category.allowedExamples.map((text) => ({
        from: 'allowed_example' as const,
        flagId: null,
        text,
        expected: false,
      })),
    ];
    const decisions: { id: string; text: string; final_action: 'approve' | 'remove' }[] =
      await this.db.query(
        `SELECT f.id, e.text, f.final_action
           FROM flags f
           JOIN scored_events e ON e.id = f.scored_event_id AND e.kept AND e.erased_at IS NULL
          WHERE $1 = ANY(f.categories) AND f.copy_of IS NULL AND f.status = 'decided'
            AND f.decided_by IS NOT NULL AND f.final_action IS NOT NULL
          ORDER BY f.decided_at DESC LIMIT $2`,
        [category.name, Math.max(0, this.config.JUDGE_EVALUATION_MAX_ITEMS - examples.length)],
      );
    return [
      ...decisions.map((d) => ({
        from: 'reviewer_decision' as const,
        flagId: d.id,
        text: d.text,
        expected: d.final_action === 'remove',
      })),
      ...examples,
    ];
  }

  /** Judges the set and completes the evaluation's row (failed, with the reason, if it cannot). */
  private async run(
    id: string,
    reviewThreshold: number,
    target: JudgeTarget,
    set: SetItem[],
    viaBatchApi: boolean,
  ): Promise<JudgeEvaluation> {
    const repo = this.db.getRepository(JudgeEvaluation);
    try {
      const { outcomes, spend } = await this.judging.judgeAll(
        set.map((item) => ({ target, text: item.text })),
        { viaBatchApi },
      );
      const results: JudgeEvaluationItemDto[] = set.map((item, i) => {
        const o = outcomes[i];
        const score = o.kind === 'judged' ? o.judgement.score : null;
        return {
          from: item.from,
          flagId: item.flagId,
          text: truncateText(item.text, 200),
          expected: item.expected,
          predicted: score !== null && score >= reviewThreshold,
          score,
          evidence: o.kind === 'judged' ? o.judgement.evidence : [],
          error: o.kind === 'judged' ? null : o.detail,
        };
      });
      await this.db.transaction(async (tx) => {
        await this.judging.addSpend(tx, spend);
        await tx.getRepository(JudgeEvaluation).update(
          { id },
          {
            ...judgeQuality(results),
            costUsd: spend.costUsd,
            results,
            status: 'done',
            finishedAt: () => 'now()',
          },
        );
      });
    } catch (error) {
      await repo.update(
        { id },
        {
          status: 'failed',
          error: (error as Error).message.slice(0, 500),
          finishedAt: () => 'now()',
        },
      );
      if (!viaBatchApi) throw error;
    }
    return repo.findOneByOrFail({ id });
  }

  /** The category's evaluations, newest first (every rule version). */
  async list(name: string): Promise<JudgeEvaluationDto[]> {
    const rows = await this.db.getRepository(JudgeEvaluation).find({
      where: { category: name },
      order: { createdAt: 'DESC' },
      take: 20,
    });
    return rows.map((r) => this.toDto(r));
  }

  private toDto(r: JudgeEvaluation): JudgeEvaluationDto {
    return {
      id: r.id,
      category: r.category,
      targetVersion: r.targetVersion,
      policyVersion: r.policyVersion,
      judge: r.judge,
      offline: r.judge === OFFLINE_JUDGE_ID,
      items: r.items,
      truePositives: r.truePositives,
      falsePositives: r.falsePositives,
      falseNegatives: r.falseNegatives,
      trueNegatives: r.trueNegatives,
      precision: r.precision,
      recall: r.recall,
      costUsd: r.costUsd,
      createdAt: r.createdAt.toISOString(),
      status: r.status,
      viaBatchApi: r.viaBatchApi,
      error: r.error,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      results: r.results as JudgeEvaluationItemDto[],
    };
  }
}
