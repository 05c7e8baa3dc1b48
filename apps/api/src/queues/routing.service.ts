import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RoutingPreviewDto, RoutingVersionDto } from '@sieve/contracts';
import {
  categorySetById,
  routingProblems,
  type RoutingRules,
  type TriggeredCategory,
} from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RoutingVersion } from './entities/routing-version.entity';
import { QueuesService } from './queues.service';
import { RoutingProvider } from './routing-provider';

/** A preview routes at most this many past flags per window (a uniform sample beyond, scaled up). */
const PREVIEW_MAX_FLAGS = 50_000;
const WINDOWS = [
  { window: '24h', ms: 24 * 3600_000 },
  { window: '7d', ms: 7 * 24 * 3600_000 },
] as const;

/**
 * Routing rules as policy admins author them: every publish is a new version (audited, with a
 * note); rolling back publishes an old version's rules again. Before publishing, a preview
 * routes the last day's and week's flags with the proposed rules and with the live ones.
 */
@Injectable()
export class RoutingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly queues: QueuesService,
    private readonly provider: RoutingProvider,
  ) {}

  async versions(): Promise<RoutingVersionDto[]> {
    const rows = await this.db
      .getRepository(RoutingVersion)
      .find({ order: { version: 'DESC' }, take: 100 });
    return rows.map(toDto);
  }

  async publish(
    proposed: RoutingRules,
    changeNote: string,
    actor: Principal,
    ip: string,
  ): Promise<RoutingVersionDto> {
    await this.assertValid(proposed);
    const row = await this.db.transaction(async (tx) => {
      // One publisher at a time: versions are consecutive.
      await tx.query(`LOCK TABLE routing_versions IN SHARE ROW EXCLUSIVE MODE`);
      const [{ next }]: { next: number }[] = await tx.query(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM routing_versions`,
      );
      const repo = tx.getRepository(RoutingVersion);
      const saved = await repo.save(
        repo.create({
          version: next,
          rules: proposed.rules,
          qaShares: proposed.qaShares,
          changeNote,
          publishedBy: actor.kind === 'user' ? actor.id : null,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'routing.published',
          objectType: 'routing',
          objectId: String(next),
          ip,
          after: { rules: proposed.rules, qaShares: proposed.qaShares },
          details: { changeNote },
        },
        tx,
      );
      return saved;
    });
    this.provider.invalidate();
    return toDto(row);
  }

  async preview(proposed: RoutingRules): Promise<RoutingPreviewDto> {
    await this.assertValid(proposed);
    const live = await this.provider.live();
    const usesStrikes = proposed.rules.some((r) => r.when.minStrikes !== undefined);
    const windows: RoutingPreviewDto['windows'] = [];
    for (const { window, ms } of WINDOWS) {
      const since = new Date(Date.now() - ms);
      const [{ n }]: { n: string }[] = await this.db.query(
        `SELECT count(*) AS n FROM flags WHERE created_at >= $1 AND copy_of IS NULL`,
        [since],
      );
      const flags = Number(n);
      const fraction = Math.min(1, PREVIEW_MAX_FLAGS / Math.max(flags, 1));
      const rows: {
        source: string;
        event_id: string;
        author_id: string;
        lang: string | null;
        triggered: TriggeredCategory[];
        auto_decision: 'review' | 'block';
      }[] = await this.db.query(
        `SELECT e.source, e.event_id, e.author_id, e.lang, f.triggered, f.auto_decision
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
         WHERE f.created_at >= $1 AND f.copy_of IS NULL
           AND ($2::float8 >= 1 OR random() < $2::float8)
         LIMIT ${PREVIEW_MAX_FLAGS * 2}`,
        [since, fraction],
      );
      const toRoute = rows.map((r) => ({
        source: r.source,
        eventId: r.event_id,
        authorId: r.author_id,
        lang: r.lang,
        triggered: r.triggered,
        automatic: r.auto_decision === 'block',
      }));
      const [proposedRoutes, liveRoutes] = await Promise.all([
        this.provider.route(toRoute, { ...proposed, usesStrikes }),
        this.provider.route(toRoute, live),
      ]);
      const scale = rows.length === 0 ? 0 : flags / rows.length;
      const tally = (routes: typeof proposedRoutes) => {
        const counts: Record<string, number> = {};
        for (const r of routes) if (!r.closed) counts[r.queue] = (counts[r.queue] ?? 0) + 1;
        for (const k of Object.keys(counts)) counts[k] = Math.round(counts[k] * scale);
        return counts;
      };
      windows.push({
        window,
        since: since.toISOString(),
        flags,
        proposed: tally(proposedRoutes),
        live: tally(liveRoutes),
        closedByAutomation: Math.round(proposedRoutes.filter((r) => r.closed).length * scale),
      });
    }
    return { windows };
  }

  private async assertValid(proposed: RoutingRules): Promise<void> {
    const categories = categorySetById(this.config.CATEGORY_SET).categories.map((c) => c.name);
    const problems = routingProblems(proposed, [...(await this.queues.all()).keys()], categories);
    if (problems.length > 0)
      throw new UnprocessableEntityException({
        message: 'These routing rules cannot be used',
        code: 'invalid_routing',
        details: problems.map((p) => ({ field: p.split(/[ :]/)[0], errors: [p] })),
      });
  }
}

const toDto = (r: RoutingVersion): RoutingVersionDto => ({
  version: r.version,
  rules: r.rules,
  qaShares: r.qaShares,
  changeNote: r.changeNote,
  publishedBy: r.publishedBy,
  publishedAt: r.publishedAt.toISOString(),
});
