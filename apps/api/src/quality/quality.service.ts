import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { GoldenItemDto, QualityFiguresDto, QualityStatsDto } from '@sieve/contracts';
import { cohensKappa } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { GoldenItem } from './entities/golden-item.entity';

interface AnsweredCheck {
  kind: 'golden' | 'second_review';
  category: string;
  expected: 'approve' | 'remove';
  action: 'approve' | 'remove';
  first: string | null;
  second: string | null;
}

/**
 * Golden items (policy admins vouch for a decided item's outcome; "next item" mixes blind
 * copies into queues, see QualityCheckStore) and the figures the quality checks give.
 */
@Injectable()
export class QualityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async listGolden(): Promise<GoldenItemDto[]> {
    const rows: (Omit<GoldenItemDto, 'createdAt'> & { createdAt: Date })[] = await this.db.query(
      `SELECT g.id, g.flag_id AS "flagId", left(e.text, 280) AS text, g.expected_action AS "expectedAction",
              g.note, g.active, g.created_at AS "createdAt",
              count(q.id) FILTER (WHERE q.decided_at IS NOT NULL)::int AS answered,
              count(q.id) FILTER (WHERE q.action = g.expected_action)::int AS correct
       FROM golden_items g JOIN flags f ON f.id = g.flag_id JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
       LEFT JOIN quality_checks q ON q.golden_item_id = g.id
       GROUP BY g.id, e.text ORDER BY g.created_at DESC LIMIT 500`,
    );
    return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  /** Marks a decided item golden with the outcome expected (again: changes the expectation). */
  async markGolden(
    input: { flagId: string; expectedAction: 'approve' | 'remove'; note?: string },
    actor: Principal,
    ip: string,
  ): Promise<GoldenItemDto> {
    await this.db.transaction(async (tx) => {
      const [flag]: { status: string; copy_of: string | null; erased: boolean }[] = await tx.query(
        `SELECT f.status, f.copy_of, e.erased_at IS NOT NULL AS erased
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept WHERE f.id = $1`,
        [input.flagId],
      );
      if (!flag) throw new NotFoundException(`Flag ${input.flagId} does not exist`);
      if (flag.status !== 'decided' || flag.copy_of)
        throw new UnprocessableEntityException({
          message: 'Only decided items can be golden',
          code: 'not_decided',
        });
      if (flag.erased)
        throw new UnprocessableEntityException({
          message:
            "The post's text was erased at the author's request: nobody can be checked on it",
          code: 'text_erased',
        });
      await tx.query(
        `INSERT INTO golden_items (flag_id, expected_action, note, created_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (flag_id) DO UPDATE
           SET expected_action = EXCLUDED.expected_action, note = EXCLUDED.note, active = true`,
        [
          input.flagId,
          input.expectedAction,
          input.note ?? null,
          actor.kind === 'user' ? actor.id : null,
        ],
      );
      await this.audit.record(
        {
          actor,
          action: 'golden.marked',
          objectType: 'flag',
          objectId: input.flagId,
          ip,
          after: { expectedAction: input.expectedAction, note: input.note ?? null },
        },
        tx,
      );
    });
    const item = (await this.listGolden()).find((g) => g.flagId === input.flagId);
    if (!item) throw new Error('golden item vanished');
    return item;
  }

  /** Retires a golden item: no more copies of it are served; its answers stay counted. */
  async retireGolden(id: string, actor: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { affected } = await tx.getRepository(GoldenItem).update({ id }, { active: false });
      if (!affected) throw new NotFoundException(`Golden item ${id} does not exist`);
      await this.audit.record(
        { actor, action: 'golden.retired', objectType: 'golden_item', objectId: id, ip },
        tx,
      );
    });
  }

  /** Per reviewer and per category over the last `days`: golden accuracy, second-review kappa. */
  async stats(days: number): Promise<QualityStatsDto> {
    const rows: AnsweredCheck[] = await this.db.query(
      `SELECT q.kind, q.category, q.expected_action AS expected, q.action,
              COALESCE(fu.display_name, CASE WHEN q.first_reviewer_id IS NOT NULL THEN 'former user' END) AS first,
              COALESCE(ru.display_name, 'former user') AS second
       FROM quality_checks q
       LEFT JOIN users fu ON fu.id = q.first_reviewer_id
       LEFT JOIN users ru ON ru.id = q.reviewer_id
       WHERE q.decided_at >= now() - make_interval(days => $1)`,
      [days],
    );
    const byReviewer = new Map<string, AnsweredCheck[]>();
    const byCategory = new Map<string, AnsweredCheck[]>();
    const add = (map: Map<string, AnsweredCheck[]>, key: string, row: AnsweredCheck) =>
      map.set(key, [...(map.get(key) ?? []), row]);
    for (const row of rows) {
      add(byCategory, row.category, row);
      if (row.second) add(byReviewer, row.second, row);
      // The first reviewer of a second review is measured by it too.
      if (row.kind === 'second_review' && row.first && row.first !== row.second)
        add(byReviewer, row.first, row);
    }
    return {
      byReviewer: [...byReviewer]
        .map(([reviewer, checks]) => ({ reviewer, ...figures(checks, reviewer) }))
        .sort((a, b) => a.reviewer.localeCompare(b.reviewer)),
      byCategory: [...byCategory]
        .map(([category, checks]) => ({ category, ...figures(checks, null) }))
        .sort((a, b) => a.category.localeCompare(b.category)),
    };
  }
}

/** `reviewer`: golden answers count only where they answered (null: every answer). */
function figures(checks: AnsweredCheck[], reviewer: string | null): QualityFiguresDto {
  const golden = checks.filter(
    (c) => c.kind === 'golden' && (reviewer === null || c.second === reviewer),
  );
  const pairs = checks
    .filter((c) => c.kind === 'second_review')
    .map((c) => [c.expected, c.action] as const);
  const agreement = cohensKappa(pairs);
  return {
    goldenAnswered: golden.length,
    goldenCorrect: golden.filter((c) => c.action === c.expected).length,
    secondReviews: agreement.items,
    agreement: agreement.items ? agreement.observed : null,
    kappa: agreement.kappa,
  };
}
