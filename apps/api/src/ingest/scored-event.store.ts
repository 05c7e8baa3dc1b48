import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CategoryScores,
  ContentEvent,
  Decision,
  Route,
  TriggeredCategory,
} from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { DecidedEvent } from '../flags/decision-messages';
import { FLAG_EVENTS_CHANNEL, flagsForNewEvents } from '../flags/flag.store';
import { SHADOW_RESULTS_FOR_NEW_EVENTS } from '../policies/shadow-results.store';
import { RELEASE_SCORE_CLAIMS, SCORE_CACHE_UPSERT } from '../scoring/score-cache.store';
import { type CompactScores, SCORES_JSON, ScoreLayouts } from '../scoring/score-layouts';
import { MODEL_NAME, ScoreModels } from '../scoring/score-models';

export interface EventKey {
  source: string;
  eventId: string;
}

export interface NewScoredEvent {
  event: ContentEvent;
  model: string;
  scores: CategoryScores;
  policyVersion: number;
  decision: Decision;
  triggered: TriggeredCategory[];
  maxScore: number;
  /** Whether the scores came from the scorer now or from the score cache. */
  scoreSource: 'scorer' | 'cache';
  /** For scores new from the scorer: the text's hash, to keep them in the score cache. */
  newScoreHash: string | null;
  /** Flagged events: the queue routing chose (null for allowed ones). */
  route: Route | null;
  /**
   * The cascade's second stage: custom (and gray-zone) categories the judge must see this event
   * about; stored as a judge request with the event, decided again by JudgeWorker. Usually null.
   */
  judgeTargets: string[] | null;
  /** What a draft running in shadow would have decided, recorded without acting on it. */
  shadow: { version: number; decision: Decision; triggered: TriggeredCategory[] } | null;
}

/** What the pipeline needs back about a stored event to (re)publish its decision. */
export interface StoredDecision extends DecidedEvent {
  scoredAt: Date;
  /**
   * The key was stored before with a different text: not a replay but another event claiming
   * the same (source, id). The stored decision is not this event's.
   */
  textDiffers?: true;
  /**
   * The key's event was erased at its author's request: its text cannot be compared any more, and
   * is not stored again. Replay or claim, the stored decision is not answered (see IngestService).
   */
  erased?: true;
}

/** One string per (source, event id): the source's length keeps any two pairs apart. */
export const keyOf = (k: EventKey) => `${k.source.length}:${k.source}${k.eventId}`;

const STORED_DECISIONS_SQL = `
  SELECT e.source, e.event_id AS "eventId", ${MODEL_NAME('e')} AS model, ${SCORES_JSON('e')} AS scores,
         e.policy_version AS "policyVersion",
         e.decision, COALESCE(f.triggered, '[]'::jsonb) AS triggered, e.scored_at AS "scoredAt",
         e.erased_at IS NULL AND sha256(convert_to(e.text, 'UTF8')) <> k.text_sha256 AS "textDiffers",
         e.erased_at IS NOT NULL AS erased,
         (SELECT r.targets FROM judge_requests r WHERE r.scored_event_id = e.id) AS judging
  FROM unnest($1::text[], $2::text[], $3::bytea[]) AS k(source, event_id, text_sha256)
  JOIN event_keys ek ON ek.source = k.source AND ek.event_id = k.event_id
  JOIN scored_events e ON e.id = ek.scored_event_id
  LEFT JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Bulk, idempotent writes for the ingest path: one round trip per table per batch. */
@Injectable()
export class ScoredEventStore {
  private readonly storeBatchSql: string;
  private readonly sharedClaims: boolean;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly layouts: ScoreLayouts,
    private readonly models: ScoreModels,
  ) {
    this.sharedClaims = config.SCORE_SHARED_CLAIMS;
    this.storeBatchSql = storeBatchSql(this.sharedClaims);
  }

  private queue: PendingWrite[] = [];
  private writing = 0;

  /**
   * Stores a batch — its score-cache entries, scored events, flags and the live-queue
   * notifications — atomically. `(source, event_id)` is claimed once in event_keys, so a replay
   * or a concurrent consumer inserts nothing twice. Returns what is stored for every key afterwards, whoever
   * wrote it, and which rows this call inserted.
   *
   * Batches that arrive while earlier ones are being written are merged into the next
   * statement (group commit): many small Kafka batches cost few round trips and commits.
   */
  insert(
    rows: NewScoredEvent[],
    cacheModel: string,
  ): Promise<{ stored: StoredDecision[]; inserted: NewScoredEvent[] }> {
    if (rows.length === 0) return Promise.resolve({ stored: [], inserted: [] });
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, cacheModel, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.writing < CONCURRENT_WRITES && this.queue.length > 0) {
      const group: PendingWrite[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || size + this.queue[0].rows.length <= ROWS_PER_WRITE)
      ) {
        const next = this.queue.shift() as PendingWrite;
        group.push(next);
        size += next.rows.length;
      }
      this.writing++;
      void this.writeGroup(group).finally(() => {
        this.writing--;
        this.drain();
      });
    }
  }

  private async writeGroup(group: PendingWrite[]): Promise<void> {
    try {
      const rows = new Map<string, NewScoredEvent>();
      for (const write of group) {
        for (const row of write.rows) {
          const key = keyOf({ source: row.event.source, eventId: row.event.id });
          if (!rows.has(key)) rows.set(key, row);
        }
      }
      const { stored, insertedKeys } = await this.write(rows, group[0].cacheModel);
      for (const write of group) {
        const keys = write.rows.map((r) => keyOf({ source: r.event.source, eventId: r.event.id }));
        write.resolve({
          stored: keys.map((key, i) => {
            const decision = stored.get(key) as StoredDecision;
            // Two merged batches carrying one key with different texts: the second is a claim.
            const written = rows.get(key) as NewScoredEvent;
            return written !== write.rows[i] && written.event.text !== write.rows[i].event.text
              ? { ...decision, textDiffers: true as const }
              : decision;
          }),
          // Claimed once, so a key in two merged batches counts as inserted once.
          inserted: write.rows.filter((_, i) => insertedKeys.delete(keys[i])),
        });
      }
    } catch (error) {
      for (const write of group) write.reject(error);
    }
  }

  /** `rows` by their key (keyOf), each key once. */
  private async write(
    rows: Map<string, NewScoredEvent>,
    cacheModel: string,
  ): Promise<{ stored: Map<string, StoredDecision>; insertedKeys: Set<string> }> {
    const compact = await this.layouts.encode(Array.from(rows.values(), (row) => row.scores));
    const modelIds = await this.models.ids(Array.from(rows.values(), (row) => row.model));
    const [{ scored_at: scoredAt, conflicts }]: {
      scored_at: Date;
      conflicts: [string, string][];
    }[] = await this.db.query(this.storeBatchSql, [
      JSON.stringify(
        Array.from(rows.values(), (row, i) =>
          INPUT_COLUMNS.map(([, , v]) => v(row, { ...compact[i], modelId: modelIds[i] })),
        ),
      ),
      await this.models.idOf(cacheModel),
      FLAG_EVENTS_CHANNEL,
      // Claims are released by model name, and only when they are on: an unused parameter has no type.
      ...(this.sharedClaims ? [cacheModel] : []),
    ]);

    const conflicted = new Set(conflicts.map(([source, eventId]) => keyOf({ source, eventId })));
    const stored = new Map<string, StoredDecision>();
    const insertedKeys = new Set<string>();
    const others: NewScoredEvent[] = [];
    for (const [key, row] of rows) {
      if (conflicted.has(key)) {
        others.push(row);
        continue;
      }
      insertedKeys.add(key);
      stored.set(key, {
        source: row.event.source,
        eventId: row.event.id,
        model: row.model,
        scores: row.scores,
        policyVersion: row.policyVersion,
        decision: row.decision,
        triggered: row.triggered,
        judging: row.judgeTargets,
        scoredAt,
      });
    }
    // Rows someone stored before (a replay, another consumer): publish what they stored,
    // unless the text differs or was erased (then the pipeline dead-letters the newcomer).
    if (others.length > 0) {
      const earlier: (StoredDecision & { textDiffers: boolean; erased: boolean })[] =
        await this.db.query(STORED_DECISIONS_SQL, [
          others.map((r) => r.event.source),
          others.map((r) => r.event.id),
          others.map((r) => sha256(r.event.text)),
        ]);
      for (const { textDiffers, erased, ...e } of earlier)
        stored.set(keyOf(e), {
          ...e,
          ...(textDiffers ? { textDiffers } : {}),
          ...(erased ? { erased } : {}),
        });
    }
    return { stored, insertedKeys };
  }
}

interface PendingWrite {
  rows: NewScoredEvent[];
  cacheModel: string;
  resolve: (result: { stored: StoredDecision[]; inserted: NewScoredEvent[] }) => void;
  reject: (error: unknown) => void;
}

/** Statements in flight at once; more would only contend for the same indexes. */
const CONCURRENT_WRITES = 2;
/** Rows merged into one statement at most. */
const ROWS_PER_WRITE = 4000;

/**
 * The batch goes to Postgres as one jsonb parameter, an array with a tuple per row: encoding
 * it is one JSON.stringify, where an array parameter per column cost pg's per-element quoting
 * (twice the api's CPU for the same rows), and Postgres reads it at least as fast.
 */
const INPUT_COLUMNS: [
  name: string,
  type: string,
  value: (row: NewScoredEvent, scores: CompactScores & { modelId: number }) => unknown,
][] = [
  ['source', 'text', (r) => r.event.source],
  ['event_id', 'text', (r) => r.event.id],
  ['author_id', 'text', (r) => r.event.authorId],
  ['text', 'text', (r) => r.event.text],
  ['lang', 'text', (r) => r.event.lang ?? null],
  // A notice travels with the context: how the post came to be moderated.
  [
    'context',
    'jsonb',
    (r) =>
      r.event.notice ? { ...r.event.context, notice: r.event.notice } : (r.event.context ?? null),
  ],
  ['event_created_at', 'timestamptz', (r) => r.event.createdAt],
  ['model_id', 'smallint', (_, scores) => scores.modelId],
  ['score_layout', 'smallint', (_, scores) => scores.layout],
  ['score_values', 'real[]', (_, scores) => scores.values],
  ['policy_version', 'int', (r) => r.policyVersion],
  ['decision', 'text', (r) => r.decision],
  ['triggered', 'jsonb', (r) => r.triggered],
  ['max_score', 'real', (r) => r.maxScore],
  ['queue', 'text', (r) => r.route?.queue ?? null],
  ['closed', 'boolean', (r) => r.route?.closed ?? false],
  ['new_score_hash', 'text', (r) => r.newScoreHash],
  ['shadow_version', 'int', (r) => r.shadow?.version ?? null],
  ['shadow_decision', 'text', (r) => r.shadow?.decision ?? null],
  ['shadow_triggered', 'jsonb', (r) => r.shadow?.triggered ?? null],
  ['judge_targets', 'jsonb', (r) => r.judgeTargets],
];

const inputColumn = ([name, type]: (typeof INPUT_COLUMNS)[number], i: number) => {
  if (type === 'text') return `r->>${i} AS ${name}`;
  // A JSON null inside the tuple is SQL NULL in the column.
  if (type === 'jsonb') return `NULLIF(r->${i}, 'null') AS ${name}`;
  // A JSON array of numbers is a Postgres array literal once its brackets are braces.
  if (type === 'real[]') return `translate(r->>${i}, '[]', '{}')::real[] AS ${name}`;
  return `(r->>${i})::${type} AS ${name}`;
};

/**
 * Data-modifying CTEs run as one statement (one implicit transaction). New scores release their
 * shared claims when SCORE_SHARED_CLAIMS is on. Flags are created for
 * the rows this statement inserted by the flags module's fragment (flagsForNewEvents), which
 * also announces them; events the cascade sends to the judge get their judge request. A draft in
 * shadow gets its decision counts, and the events where it differs from the live version.
 */
const storeBatchSql = (sharedClaims: boolean) => `
  WITH input AS (
    SELECT ${INPUT_COLUMNS.map(inputColumn).join(', ')}
    FROM jsonb_array_elements($1::jsonb) AS r
  ), cache AS (
    INSERT INTO score_cache (model_id, text_hash, scored_model_id, score_layout, score_values)
    SELECT DISTINCT ON (new_score_hash) $2::smallint, decode(new_score_hash, 'hex'), model_id,
           score_layout, score_values
    FROM input WHERE new_score_hash IS NOT NULL
    ORDER BY new_score_hash
    ${SCORE_CACHE_UPSERT}
    ${sharedClaims ? 'RETURNING text_hash' : ''}
  ), ${sharedClaims ? `${RELEASE_SCORE_CLAIMS('cache', '$4::text')},` : ''} claimed AS (
    -- The key first: a replay, or a concurrent consumer with the same event, claims nothing.
    INSERT INTO event_keys (source, event_id)
    SELECT source, event_id FROM input
    ON CONFLICT (source, event_id) DO NOTHING
    RETURNING source, event_id, scored_event_id
  ), ins AS (
    INSERT INTO scored_events (id, source, event_id, author_id, text, lang, context,
                               event_created_at, model_id, score_layout, score_values,
                               policy_version, decision, kept)
    SELECT c.scored_event_id, i.source, i.event_id, author_id, text, lang, context,
           event_created_at, model_id, score_layout, score_values, policy_version, decision,
           decision <> 'allow'
    FROM input i JOIN claimed c ON c.source = i.source AND c.event_id = i.event_id
    -- In id order (time-ordered ids): each id index page is filled before the next, where the
    -- join's order split pages in half (32 instead of 44 bytes of index per event).
    ORDER BY c.scored_event_id
    RETURNING id, source, event_id, scored_at, decision
  ), judging AS (
    INSERT INTO judge_requests (scored_event_id, targets, policy_version)
    SELECT ins.id, ARRAY(SELECT jsonb_array_elements_text(i.judge_targets)), i.policy_version
    FROM ins JOIN input i ON i.source = ins.source AND i.event_id = ins.event_id
    WHERE i.judge_targets IS NOT NULL
  ), ${flagsForNewEvents('$3')}, ${SHADOW_RESULTS_FOR_NEW_EVENTS}
  -- One row: when these rows were stored (now() is the transaction's time, as scored_at's
  -- default), and the keys stored before, usually none.
  SELECT now() AS scored_at, (SELECT count(*) FROM notified) AS notifications,
         (SELECT COALESCE(json_agg(json_build_array(i.source, i.event_id)), '[]'::json)
          FROM input i
          WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.source = i.source AND ins.event_id = i.event_id)
         ) AS conflicts`;
