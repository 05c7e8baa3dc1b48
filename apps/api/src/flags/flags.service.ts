import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { filter } from 'rxjs';
import { DataSource, type EntityManager } from 'typeorm';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import { PolicyProvider } from '../policies/policy-provider';
import type {
  DecisionRecordDto,
  FlagContextDto,
  FlagCountsDto,
  FlagDetailDto,
  JudgementDto,
  FlagPageDto,
  FlagSummaryDto,
  NoteDto,
  FlagSort,
  QueueOrdering,
} from '@sieve/contracts';
import { DECIDED_COUNT_LIMIT } from '@sieve/contracts';
import {
  categorySetById,
  type CategoryRule,
  type Highlights,
  OFFLINE_JUDGE_ID,
  OFFLINE_MODEL_ID,
  offlineHighlights,
  precedentFrom,
  ruleFor,
  type StrikeLevel,
} from '@sieve/moderation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { FlagFiltersQuery, ListFlagsQuery, NextFlagQuery } from './dto/list-flags.query';
import { FlagEventsService } from './flag-events.service';
import { SCORES_JSON } from '../scoring/score-layouts';
import { MODEL_NAME } from '../scoring/score-models';
import { FlagStore } from './flag.store';
import { VectorSearch } from '../waves/vector-search';
import { VectorStore } from '../waves/vector.store';
import { QueueCounts, type QueueCount } from '../queues/queue-counts';

const DEFAULT_PAGE_SIZE = 50;
const COUNTS_FRESH_MS = 2000;
/** Similar past decisions are looked for among this many recently flagged decided items. */
const SIMILAR_CANDIDATES = 5000;
const SIMILAR_MIN = 0.4;
/** Texts are compared on their beginning: trigram similarity costs grow with the text. */
const SIMILAR_PREFIX_CHARS = 1000;
/** A flag's similar past decisions are searched at most this often (many views, one query). */
const SIMILAR_FRESH_MS = 60_000;
/** The most a flag's first view spends finding highlights in its post (then it says how far it got). */
const HIGHLIGHT_BUDGET_MS = 25;

const CLAIM_ACTIVE = `(f.claimed_by IS NOT NULL AND f.claim_expires_at > now())`;

/** The flag is a member (not excluded) of an open wave: the queue shows the wave instead. */
const IN_OPEN_WAVE = `SELECT 1 FROM wave_members wm JOIN waves w ON w.id = wm.wave_id
  WHERE wm.flag_id = f.id AND wm.excluded_at IS NULL AND w.status = 'open'`;

/** Similar decided posts are looked for among this many nearest vectors. */
const SIMILAR_NEAREST = 200;
const SIMILAR_VECTOR_MIN = 0.3;

/** "claimed" is derived from the lease; the stored status keeps the queue (open, escalated, decided). */
const STATUS_FILTERS: Record<NonNullable<ListFlagsQuery['status']>, string> = {
  open: `f.status = 'open' AND NOT ${CLAIM_ACTIVE}`,
  claimed: `f.status IN ('open', 'escalated') AND ${CLAIM_ACTIVE}`,
  escalated: `f.status = 'escalated'`,
  decided: `f.status = 'decided'`,
};

/** Repeat offenders first: suspend 3, restrict 2, raise 1, others 0 (author_strikes as `st`). */
const AUTHOR_RANK = `CASE st.level WHEN 'suspend' THEN 3 WHEN 'restrict' THEN 2 WHEN 'raise' THEN 1 ELSE 0 END`;

/** Per waiting status (over `flags f`), and the oldest waiting flag. */
const WAITING_COUNTS = `count(*) FILTER (WHERE ${STATUS_FILTERS.open})::int AS open,
  count(*) FILTER (WHERE ${STATUS_FILTERS.claimed})::int AS claimed,
  count(*) FILTER (WHERE ${STATUS_FILTERS.escalated})::int AS escalated,
  min(f.created_at) FILTER (WHERE f.status <> 'decided') AS oldest`;

/** A queue's "priority" ordering: the score, raised by the author's strike level; oldest first within. */
const PRIORITY_ORDER = `(f.max_score + 0.1 * ${AUTHOR_RANK}) DESC, f.created_at ASC, f.id ASC`;

const ORDERS: Record<FlagSort, string> = {
  newest: 'f.created_at DESC, f.id DESC',
  oldest: 'f.created_at ASC, f.id ASC',
  severity: 'f.max_score DESC, f.created_at DESC, f.id DESC',
  repeat_offenders: `${AUTHOR_RANK} DESC, f.created_at ASC, f.id ASC`,
};

/** What each order's keyset cursor carries: its sort key. */
const CURSOR_FIELDS = {
  newest: ['createdAt', 'id'],
  oldest: ['createdAt', 'id'],
  severity: ['score', 'createdAt', 'id'],
  repeat_offenders: ['rank', 'createdAt', 'id'],
} as const satisfies Record<FlagSort, readonly string[]>;

// created_at is read as text so the keyset cursor keeps Postgres's microseconds.
const SUMMARY_COLUMNS = `
  f.id, f.status, f.queue, f.auto_decision AS "autoDecision", f.triggered, f.max_score AS "maxScore",
  to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
  e.source, e.event_id AS "eventId", e.author_id AS "authorId", e.text, e.lang, e.context,
  e.event_created_at AS "eventCreatedAt", e.erased_at AS "erasedAt",
  CASE WHEN ${CLAIM_ACTIVE} THEN f.claimed_by END AS "claimedBy",
  CASE WHEN ${CLAIM_ACTIVE} THEN u.display_name END AS "claimedByName",
  CASE WHEN ${CLAIM_ACTIVE} THEN f.claim_expires_at END AS "claimExpiresAt",
  f.final_action AS "finalAction", st.strikes AS "authorStrikes", st.level AS "authorLevel",
  ${AUTHOR_RANK} AS "authorRank"`;

const SUMMARY_FROM = `flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept LEFT JOIN users u ON u.id = f.claimed_by
  LEFT JOIN author_strikes st ON st.source = e.source AND st.author_id = e.author_id`;

interface SummaryRow {
  id: string;
  status: FlagSummaryDto['status'];
  queue: string;
  autoDecision: FlagSummaryDto['autoDecision'];
  triggered: FlagSummaryDto['triggered'];
  maxScore: number;
  createdAt: string;
  source: string;
  eventId: string;
  authorId: string;
  text: string;
  lang: string | null;
  context: FlagSummaryDto['event']['context'];
  eventCreatedAt: Date;
  erasedAt: Date | null;
  claimedBy: string | null;
  claimedByName: string | null;
  claimExpiresAt: Date | null;
  finalAction: FlagSummaryDto['finalAction'];
  authorStrikes: number | null;
  authorLevel: StrikeLevel | null;
  authorRank: number;
}

@Injectable()
export class FlagsService {
  /**
   * Counting a million flags takes ~100 ms, and every open queue asks: each distinct filter is
   * counted at most once per COUNTS_FRESH_MS, in the background while askers get the previous
   * answer (concurrent askers share one query). Review actions on any replica clear it at once;
   * new flags show up within that time.
   */
  private readonly countsCache = new LRUCache<string, FlagCountsDto, FlagFiltersQuery>({
    max: 1000,
    ttl: COUNTS_FRESH_MS,
    allowStale: true,
    noDeleteOnStaleGet: true,
    // A review action clears the cache while counts may be under way: those askers still get
    // their count (from a moment before the action), which is then not kept. Otherwise their
    // requests failed with lru-cache's "deleted" (a 500 on GET /api/flags/counts).
    ignoreFetchAbort: true,
    fetchMethod: (_key, _stale, { context }) => this.countNow(context),
  });

  /** Per flag; concurrent views of one flag share a single search. */
  private readonly similarCache = new LRUCache<string, SimilarDecided>({
    max: 2000,
    ttl: SIMILAR_FRESH_MS,
    ignoreFetchAbort: true, // evicted while searching (2,000 other flags asked): still answered
    fetchMethod: (flagId) => this.searchSimilarDecided(flagId),
  });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policies: PolicyProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly flagStore: FlagStore,
    private readonly vectors: VectorStore,
    private readonly vectorSearch: VectorSearch,
    private readonly queueCounts: QueueCounts,
    flagEvents: FlagEventsService,
  ) {
    flagEvents.events.pipe(filter((event) => event.type === 'flag.updated')).subscribe((event) => {
      this.countsCache.clear();
      this.forgetSimilar(event.ids);
    });
  }

  /**
   * Drops the similar-decision lists of these flags and those that show one of them: a decision
   * undone, or an erasure (whose texts must not be shown from a list kept from before it).
   */
  private forgetSimilar(flagIds: string[]): void {
    const changed = new Set(flagIds);
    for (const flagId of changed) this.similarCache.delete(flagId);
    const naming = [...this.similarCache.entries()]
      .filter(([, similar]) => similar.similarDecided.some((s) => changed.has(s.flagId)))
      .map(([flagId]) => flagId);
    for (const flagId of naming) this.similarCache.delete(flagId);
  }

  /** Keyset-paginated in the chosen order; filters use the (status, created_at, id) and GIN indexes. */
  async list(query: ListFlagsQuery): Promise<FlagPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = query.sort ?? 'newest';
    const { where, params, param } = this.filters(query);
    if (query.status) where.push(STATUS_FILTERS[query.status]);
    if (query.collapseWaves) where.push(`NOT EXISTS (${IN_OPEN_WAVE})`);
    if (query.cursor) {
      const c = decodeKeyset<string>(query.cursor, CURSOR_FIELDS[sort]);
      const at = `${param(c.createdAt)}::timestamptz`;
      const id = `${param(c.id)}::uuid`;
      if (sort === 'oldest') where.push(`(f.created_at, f.id) > (${at}, ${id})`);
      else if (sort === 'severity')
        where.push(
          `(f.max_score, f.created_at, f.id) < (${param(Number(c.score))}::real, ${at}, ${id})`,
        );
      else if (sort === 'repeat_offenders') {
        const rank = `${param(Number(c.rank))}::int`;
        where.push(
          `(${AUTHOR_RANK} < ${rank} OR (${AUTHOR_RANK} = ${rank} AND (f.created_at, f.id) > (${at}, ${id})))`,
        );
      } else where.push(`(f.created_at, f.id) < (${at}, ${id})`);
    }
    const order = ORDERS[sort];
    const rows: SummaryRow[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${order}
       LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const key =
      last &&
      ((sort === 'severity'
        ? { score: String(last.maxScore), createdAt: last.createdAt, id: last.id }
        : sort === 'repeat_offenders'
          ? { rank: String(last.authorRank), createdAt: last.createdAt, id: last.id }
          : { createdAt: last.createdAt, id: last.id }) as Record<string, string>);
    return {
      items: page.map(toSummary),
      nextCursor: rows.length > limit && key ? encodeKeyset(key) : null,
    };
  }

  /**
   * The first flag in the queue's order (the query's sort, else the queue's ordering) that nobody
   * holds, among `queues`, skipping `exceptId`, locked for the caller's transaction; rows another
   * reviewer is taking at this moment are skipped, so concurrent callers on any replica get
   * different flags. NO KEY UPDATE, not UPDATE: rows that reference a flag (the grouping's
   * wave_members and flag_vectors, decisions) key-share lock it while their transaction runs,
   * and a plain FOR UPDATE … SKIP LOCKED would skip such a flag as if someone were taking it.
   */
  async pickNext(
    tx: EntityManager,
    query: NextFlagQuery,
    options: {
      exceptId: string | null;
      queues: string[];
      ordering: QueueOrdering;
      /** Never a second review of this reviewer's own decision. */
      reviewerId: string;
    },
  ): Promise<string | null> {
    const { where, params, param } = this.filters(query);
    // In a queue, whatever waits there (the senior queue's items are escalated); otherwise open ones.
    where.push(
      query.status
        ? `f.status = ${param(query.status)}`
        : query.queue
          ? `f.status <> 'decided'`
          : `f.status = 'open'`,
      `NOT ${CLAIM_ACTIVE}`,
      `f.queue = ANY(${param(options.queues)}::text[])`,
      `(f.hidden_from IS NULL OR f.hidden_from <> ${param(options.reviewerId)}::uuid)`,
    );
    if (options.exceptId) where.push(`f.id <> ${param(options.exceptId)}::uuid`);
    const order = query.sort
      ? ORDERS[query.sort]
      : options.ordering === 'priority'
        ? PRIORITY_ORDER
        : ORDERS[options.ordering];
    const rows: { id: string }[] = await tx.query(
      `SELECT f.id FROM ${SUMMARY_FROM}
       WHERE ${where.join(' AND ')}
       ORDER BY ${order}
       LIMIT 1 FOR NO KEY UPDATE OF f SKIP LOCKED`,
      params,
    );
    return rows[0]?.id ?? null;
  }

  /** These flags as the queue lists them, in the order of `ids` (missing ones left out). */
  async summaries(manager: EntityManager, ids: string[]): Promise<FlagSummaryDto[]> {
    if (!ids.length) return [];
    const rows: SummaryRow[] = await manager.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE f.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, toSummary(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Per-status counts for the same filters, for the queue's tabs and its age indicator. */
  async counts(query: FlagFiltersQuery): Promise<FlagCountsDto> {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
    const counts = await this.countsCache.fetch(key, { context: { ...query } });
    if (!counts) throw new Error('flag counts unavailable');
    return counts;
  }

  private async countNow(query: FlagFiltersQuery): Promise<FlagCountsDto> {
    const filtered = Object.entries(query).some(
      ([name, value]) => name !== 'queue' && value !== undefined && value !== null && value !== '',
    );
    if (!filtered) return this.countKept(query.queue);
    const { where, params, joinsEvent } = this.filters(query);
    const and = where.map((w) => ` AND ${w}`).join('');
    // One core, not every core for a shorter while: the queue pages being served need the rest.
    const [row]: (Omit<FlagCountsDto, 'decidedAtLeast' | 'oldestWaitingAt'> & {
      oldest: Date | null;
    })[] = await this.db.transaction(async (tx) => {
      await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
      return joinsEvent
        ? // A filter on the post: every status in one pass over the matching posts.
          tx.query(
            `SELECT ${WAITING_COUNTS}, count(*) FILTER (WHERE ${STATUS_FILTERS.decided})::int AS decided
             FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
             WHERE ${where.join(' AND ')}`,
            params,
          )
        : // The waiting flags from their partial index; the decided ones, years of them on a busy
          // platform, only up to the limit.
          tx.query(
            `SELECT ${WAITING_COUNTS},
                    (SELECT count(*)::int FROM (
                       SELECT 1 FROM flags f WHERE ${STATUS_FILTERS.decided}${and}
                       LIMIT ${DECIDED_COUNT_LIMIT + 1}) AS d) AS decided
             FROM flags f WHERE f.status <> 'decided'${and}`,
            params,
          );
    });
    return {
      open: row.open,
      claimed: row.claimed,
      escalated: row.escalated,
      decided: Math.min(row.decided, DECIDED_COUNT_LIMIT),
      decidedAtLeast: row.decided > DECIDED_COUNT_LIMIT,
      oldestWaitingAt: row.oldest ? new Date(row.oldest).toISOString() : null,
    };
  }

  /** A queue's tabs (or all queues') from the counts kept per queue and status: no flag counted. */
  private async countKept(queue: string | undefined): Promise<FlagCountsDto> {
    const counts = [
      ...(await this.queueCounts.of(queue ? [queue] : await this.queueCounts.queues())).values(),
    ];
    const sum = (figure: (count: QueueCount) => number) =>
      counts.reduce((total, count) => total + figure(count), 0);
    const oldest = Math.min(...counts.map((count) => count.oldest?.getTime() ?? Infinity));
    return {
      open: sum((c) => c.open - c.escalated - (c.claimed - c.escalatedClaimed)),
      claimed: sum((c) => c.claimed),
      escalated: sum((c) => c.escalated),
      decided: sum((c) => c.decided),
      decidedAtLeast: false,
      oldestWaitingAt: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null,
    };
  }

  private filters(query: FlagFiltersQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.source) where.push(`e.source = ${param(query.source)}`);
    if (query.authorId) where.push(`e.author_id = ${param(query.authorId)}`);
    if (query.lang) where.push(`lower(e.lang) = lower(${param(query.lang)})`);
    if (query.q) where.push(`e.text ILIKE ${param(`%${query.q.replace(/[%_\\]/g, '\\$&')}%`)}`);
    // Filters above this line need the event row.
    const joinsEvent = where.length > 0;
    if (query.queue) where.push(`f.queue = ${param(query.queue)}`);
    if (query.category) where.push(`f.categories @> ARRAY[${param(query.category)}]::text[]`);
    if (query.minScore !== undefined) where.push(`f.max_score >= ${param(query.minScore)}`);
    if (query.maxScore !== undefined) where.push(`f.max_score <= ${param(query.maxScore)}`);
    if (query.from) where.push(`f.created_at >= ${param(query.from)}::timestamptz`);
    if (query.to) where.push(`f.created_at < ${param(query.to)}::timestamptz`);
    return { where, params, param, joinsEvent };
  }

  async get(id: string): Promise<FlagDetailDto> {
    const [row]: (SummaryRow & {
      scores: FlagDetailDto['scores'];
      model: string;
      policyVersion: number;
      scoredAt: Date;
      highlights: Highlights | null;
    })[] = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS}, ${SCORES_JSON('e')} AS scores, ${MODEL_NAME('e')} AS model, e.policy_version AS "policyVersion", e.scored_at AS "scoredAt",
              f.highlights
         FROM ${SUMMARY_FROM} WHERE f.id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`Flag ${id} does not exist`);
    const [policy, decisions, notes, judgements] = await Promise.all([
      this.policies.version(row.policyVersion),
      this.db
        .query(
          `SELECT d.id, d.action, d.reason, d.note, u.display_name AS reviewer, d.created_at AS "createdAt", d.undone_at AS "undoneAt",
                  d.content_revealed AS "contentRevealed", d.precedent
           FROM flag_decisions d LEFT JOIN users u ON u.id = d.reviewer_id
           WHERE d.flag_id = $1 ORDER BY d.created_at`,
          [id],
        )
        .then((rows: Dated<DecisionRecordDto, 'createdAt' | 'undoneAt'>[]) =>
          rows.map((d): DecisionRecordDto => ({
            ...d,
            createdAt: d.createdAt.toISOString(),
            undoneAt: d.undoneAt?.toISOString() ?? null,
          })),
        ),
      this.db
        .query(
          `SELECT n.id, n.text, u.display_name AS author, n.created_at AS "createdAt"
           FROM flag_notes n LEFT JOIN users u ON u.id = n.author_id
           WHERE n.flag_id = $1 ORDER BY n.created_at`,
          [id],
        )
        .then((rows: Dated<NoteDto, 'createdAt'>[]) =>
          rows.map((n): NoteDto => ({ ...n, createdAt: n.createdAt.toISOString() })),
        ),
      this.db
        .query(
          `SELECT j.category, j.judged, j.unjudged_reason AS "unjudgedReason", j.violates, j.score,
                  j.confidence, j.evidence, j.dropped_evidence AS "droppedEvidence", j.rationale,
                  j.post_addresses_model AS "postAddressesModel", j.judge, j.cached, j.shadow,
                  j.created_at AS "judgedAt"
           FROM judgements j JOIN flags f ON f.scored_event_id = j.scored_event_id
           WHERE f.id = $1 ORDER BY j.shadow, j.category`,
          [id],
        )
        .then((rows: Dated<Omit<JudgementDto, 'offline'>, 'judgedAt'>[]) =>
          rows.map((j): JudgementDto => ({
            ...j,
            offline: j.judge === OFFLINE_JUDGE_ID,
            judgedAt: j.judgedAt.toISOString(),
          })),
        ),
    ]);
    return {
      ...toSummary(row),
      scores: row.scores,
      model: row.model,
      policyVersion: row.policyVersion,
      scoredAt: row.scoredAt.toISOString(),
      // The rules that applied to this event's source (overrides included).
      thresholds: policy
        ? Object.fromEntries([
            ...Object.keys(policy.rules).map((c) => [
              c,
              ruleFor(policy, c, row.source) as CategoryRule,
            ]),
            // Custom categories' thresholds apply to the judge's score (see judgements).
            ...(policy.customCategories ?? []).map((c) => [
              c.name,
              {
                enabled: c.enabled && c.mode === 'active',
                reviewThreshold: c.reviewThreshold,
                autoActionThreshold: c.autoActionThreshold,
              },
            ]),
          ])
        : {},
      decisions,
      notes,
      judgements,
      ...(await this.highlights(id, row)),
    };
  }

  /**
   * Spans that drove the score. The offline scorer can point at its matches; Mistral's
   * moderation endpoint cannot (the explanation's quotes cover that case). Computed once, within
   * HIGHLIGHT_BUDGET_MS, and kept with the flag: a huge post costs one bounded computation, not
   * one per view.
   */
  private async highlights(
    flagId: string,
    row: { text: string; model: string; highlights: Highlights | null },
  ): Promise<Pick<FlagDetailDto, 'highlights' | 'highlightsCoverChars'>> {
    if (row.model !== OFFLINE_MODEL_ID)
      return { highlights: [], highlightsCoverChars: row.text.length };
    let computed = row.highlights;
    if (!computed) {
      const names = categorySetById(this.config.CATEGORY_SET).categories.map((c) => c.name);
      computed = offlineHighlights(row.text, names, HIGHLIGHT_BUDGET_MS);
      await this.flagStore.keepHighlights(this.db.manager, flagId, computed);
    }
    return { highlights: computed.spans, highlightsCoverChars: computed.coveredChars };
  }

  /** What was flagged: the event's text, its scores and the policy version that decided it. */
  async scoredEvent(flagId: string): Promise<{
    text: string;
    scores: Record<string, number>;
    policyVersion: number;
    erased: boolean;
  }> {
    const [row]: {
      text: string;
      scores: Record<string, number>;
      policyVersion: number;
      erased: boolean;
    }[] = await this.db.query(
      `SELECT e.text, ${SCORES_JSON('e')} AS scores, e.policy_version AS "policyVersion",
              e.erased_at IS NOT NULL AS erased
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept WHERE f.id = $1`,
      [flagId],
    );
    if (!row) throw new NotFoundException(`Flag ${flagId} does not exist`);
    return row;
  }

  /** The author's other recent events on the same source, with what happened to them. */
  async context(id: string): Promise<FlagContextDto> {
    const authorRecent: Dated<FlagContextDto['authorRecent'][number], 'createdAt'>[] =
      await this.db.query(
        `SELECT o.event_id AS "eventId", left(o.text, 280) AS text, o.erased_at IS NOT NULL AS erased,
              o.event_created_at AS "createdAt", o.decision,
              of.id AS "flagId", of.status, of.final_action AS "finalAction"
       FROM flags f
       JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
       JOIN scored_events o ON o.source = e.source AND o.author_id = e.author_id AND o.id <> e.id
       LEFT JOIN flags of ON of.scored_event_id = o.id AND of.copy_of IS NULL
       WHERE f.id = $1
       ORDER BY o.event_created_at DESC
       LIMIT 10`,
        [id],
      );
    const similar = (await this.similarCache.fetch(id)) ?? {
      similarDecided: [],
      similarBy: 'trigrams' as const,
      precedent: null,
    };
    return {
      authorRecent: authorRecent.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      ...similar,
    };
  }

  /**
   * Decided posts like this one, by meaning: the nearest vectors among all flags, the decided
   * ones kept; a precedent when enough very near ones were all decided alike. Before the flag has
   * a vector (the grouping is behind), trigram similarity among recent decided flags.
   */
  private async searchSimilarDecided(flagId: string): Promise<SimilarDecided> {
    const vector = await this.vectors.vectorOfFlag(this.db.manager, flagId);
    if (!vector)
      return {
        similarDecided: await this.searchSimilarByTrigrams(flagId),
        similarBy: 'trigrams',
        precedent: null,
      };
    const nearest = await this.vectorSearch.search(vector, SIMILAR_NEAREST, SIMILAR_VECTOR_MIN, {
      exclude: flagId,
    });
    const similarity = new Map(nearest.map((m) => [m.flagId, m.similarity]));
    const rows: (Dated<
      Omit<FlagContextDto['similarDecided'][number], 'similarity'>,
      'decidedAt'
    > & {
      byPerson: boolean;
    })[] = await this.db.query(
      `SELECT s.id AS "flagId", left(e.text, 280) AS text, s.final_action AS "finalAction",
                s.decided_at AS "decidedAt", s.decided_by IS NOT NULL AS "byPerson",
                (SELECT d.reason FROM flag_decisions d
                  WHERE d.flag_id = s.id AND d.undone_at IS NULL AND d.action <> 'escalate'
                  ORDER BY d.created_at DESC LIMIT 1) AS reason
         FROM flags s JOIN scored_events e ON e.id = s.scored_event_id AND e.kept
         WHERE s.id = ANY($1::uuid[]) AND s.status = 'decided' AND s.copy_of IS NULL
           -- The same post under another flag (a quality check's original) is not a precedent.
           AND s.scored_event_id <> (SELECT scored_event_id FROM flags WHERE id = $2)`,
      [nearest.map((m) => m.flagId), flagId],
    );
    const decided = rows
      .filter((r) => (similarity.get(r.flagId) ?? 0) >= this.vectors.threshold)
      .map(({ byPerson, ...r }) => ({
        byPerson,
        item: {
          ...r,
          decidedAt: r.decidedAt?.toISOString() ?? null,
          similarity: Math.round((similarity.get(r.flagId) ?? 0) * 100) / 100,
        },
      }))
      .sort((a, b) => b.item.similarity - a.item.similarity);
    // As for deciding by precedent, only people's decisions set it (docs/waves.md).
    const near = decided
      .filter((d) => d.byPerson && d.item.similarity >= this.config.WAVE_PRECEDENT_SIMILARITY)
      .map((d) => d.item);
    const precedent = precedentFrom(near, this.config.WAVE_PRECEDENT_MIN);
    return {
      similarDecided: decided.slice(0, 5).map((d) => d.item),
      similarBy: 'vectors',
      precedent: precedent && {
        ...precedent,
        minSimilarity: Math.min(...near.map((d) => d.similarity)),
      },
    };
  }

  /** Decided flags whose text is like this one's, among the most recent SIMILAR_CANDIDATES. */
  private async searchSimilarByTrigrams(flagId: string): Promise<FlagContextDto['similarDecided']> {
    const rows: Dated<FlagContextDto['similarDecided'][number], 'decidedAt'>[] =
      await this.db.query(
        `WITH this AS (
         SELECT left(e.text, ${SIMILAR_PREFIX_CHARS}) AS text, e.id AS event
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept WHERE f.id = $1),
       recent AS (
         SELECT f.id, f.final_action, f.decided_at, e.text
         FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
         WHERE f.status = 'decided' AND f.id <> $1 AND f.copy_of IS NULL
           -- The same post under another flag (a quality check's original) is not a precedent.
           AND f.scored_event_id <> (SELECT event FROM this)
         ORDER BY f.created_at DESC
         LIMIT ${SIMILAR_CANDIDATES}),
       scored AS (
         SELECT r.*, similarity(left(r.text, ${SIMILAR_PREFIX_CHARS}), this.text) AS similarity
         FROM recent r, this)
       SELECT s.id AS "flagId", left(s.text, 280) AS text, s.final_action AS "finalAction",
              s.decided_at AS "decidedAt", round(s.similarity::numeric, 2)::float AS similarity,
              (SELECT d.reason FROM flag_decisions d
                WHERE d.flag_id = s.id AND d.undone_at IS NULL AND d.action <> 'escalate'
                ORDER BY d.created_at DESC LIMIT 1) AS reason
       FROM scored s
       WHERE s.similarity >= ${SIMILAR_MIN}
       ORDER BY s.similarity DESC, s.decided_at DESC
       LIMIT 5`,
        [flagId],
      );
    return rows.map((r) => ({ ...r, decidedAt: r.decidedAt?.toISOString() ?? null }));
  }
}

type SimilarDecided = Pick<FlagContextDto, 'similarDecided' | 'similarBy' | 'precedent'>;

/** A DTO as its row comes from Postgres: the named fields are Dates (null stays null). */
type Dated<T, K extends keyof T> = Omit<T, K> & {
  [P in K]: null extends T[P] ? Date | null : Date;
};

function toSummary(row: SummaryRow): FlagSummaryDto {
  return {
    id: row.id,
    status: row.status,
    queue: row.queue,
    autoDecision: row.autoDecision,
    triggered: row.triggered,
    maxScore: row.maxScore,
    createdAt: row.createdAt,
    claim:
      row.claimedBy && row.claimExpiresAt
        ? {
            userId: row.claimedBy,
            displayName: row.claimedByName ?? '',
            expiresAt: row.claimExpiresAt.toISOString(),
          }
        : null,
    finalAction: row.finalAction,
    author:
      row.authorLevel && row.authorStrikes !== null
        ? { strikes: row.authorStrikes, level: row.authorLevel }
        : null,
    event: {
      source: row.source,
      eventId: row.eventId,
      authorId: row.authorId,
      text: row.text,
      lang: row.lang,
      context: row.context,
      createdAt: row.eventCreatedAt.toISOString(),
      erasedAt: row.erasedAt?.toISOString() ?? null,
    },
  };
}
