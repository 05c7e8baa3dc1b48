import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JudgeEvaluationDto, JudgeEvaluationItemDto } from '@sieve/contracts';
import { customTarget, judgeQuality, OFFLINE_JUDGE_ID } from '@sieve/moderation';
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
 * as meant; the reviewer decisions measure it (both are reported).
 */
@Injectable()
export class JudgeEvaluationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly judging: JudgingService,
    private readonly policies: PolicyProvider,
    private readonly audit: AuditService,
  ) {}

  async evaluate(
    policyVersion: number,
    name: string,
    actor: Principal,
    ip: string,
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
           FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
          WHERE $1 = ANY(f.categories) AND f.copy_of IS NULL AND f.status = 'decided'
            AND f.decided_by IS NOT NULL AND f.final_action IS NOT NULL
          ORDER BY f.decided_at DESC LIMIT $2`,
        [name, Math.max(0, this.config.JUDGE_EVALUATION_MAX_ITEMS - examples.length)],
      );
    const set: SetItem[] = [
      ...decisions.map((d) => ({
        from: 'reviewer_decision' as const,
        flagId: d.id,
        text: d.text,
        expected: d.final_action === 'remove',
      })),
      ...examples,
    ];
    const { outcomes, spend } = await this.judging.judgeAll(
      set.map((item) => ({ target, text: item.text })),
    );
    const results: JudgeEvaluationItemDto[] = set.map((item, i) => {
      const o = outcomes[i];
      const score = o.kind === 'judged' ? o.judgement.score : null;
      return {
        from: item.from,
        flagId: item.flagId,
        text: item.text.slice(0, 200),
        expected: item.expected,
        predicted: score !== null && score >= category.reviewThreshold,
        score,
        evidence: o.kind === 'judged' ? o.judgement.evidence : [],
        error: o.kind === 'judged' ? null : o.detail,
      };
    });
    const quality = judgeQuality(results);
    const saved = await this.db.transaction(async (tx) => {
      await this.judging.addSpend(tx, spend);
      const row = await tx.getRepository(JudgeEvaluation).save(
        tx.getRepository(JudgeEvaluation).create({
          category: name,
          targetVersion: target.version,
          policyVersion,
          judge: this.judging.judge.model,
          ...quality,
          costUsd: spend.costUsd,
          results,
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
            items: quality.items,
            precision: quality.precision,
            recall: quality.recall,
          },
        },
        tx,
      );
      return row;
    });
    return this.toDto(saved);
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
      results: r.results as JudgeEvaluationItemDto[],
    };
  }
}
