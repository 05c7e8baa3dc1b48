import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  decideByPrecedent,
  NearDuplicateIndex,
  type PrecedentGrounds,
  type PrecedentRule,
} from '@sieve/moderation';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { readInPages } from '../database/read-in-pages';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FlagStore } from '../flags/flag.store';
import { MetricsService } from '../metrics/metrics.service';
import { toVector, VectorStore } from './vector.store';

type Action = 'approve' | 'remove';

/** A new flag, open, with its post's vector. */
export interface NewFlag {
  id: string;
  vector: Int8Array;
}

interface DecidedRow {
  flagId: string;
  action: Action;
  vector: Buffer;
}

/** Decided posts read at a time on a rebuild (their vectors: ~1 KB each). */
const PAGE = 2000;

/** How many of the decided posts a decision's grounds name. */
const GROUNDS_FLAGS = 10;

/**
 * Deciding by precedent (docs/waves.md): when the live policy has a precedent rule, each new open
 * flag is compared with the posts people decided most recently (WAVE_PRECEDENT_LIMIT, in a
 * near-duplicate index in memory), and decided the way they were when the rule's conditions
 * hold. Only people's decisions set precedent: Sieve's own never feed it, so one reviewer's
 * later approval of a near post stops the rule from removing more.
 *
 * Driven by the grouping, under its lock: the index is rebuilt with the grouping's state and
 * learns of decisions through the same flag events.
 */
@Injectable()
export class Precedents {
  private readonly logger = new Logger('Precedent');
  /** Whether the live policy (as of the last rebuild) has a rule. */
  private on = false;
  /** Created with the first vector (its length is the method's). */
  private index: NearDuplicateIndex<string> | null = null;
  private readonly actions = new Map<string, Action>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vectors: VectorStore,
    private readonly flags: FlagStore,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** Whether decided posts are held (the live policy had a rule at the last rebuild). */
  get active(): boolean {
    return this.on;
  }

  /** Loads the most recently decided posts, or lets the index go when the policy has no rule. */
  async rebuild(tx: EntityManager, rule: PrecedentRule | null | undefined): Promise<void> {
    this.index = null;
    this.actions.clear();
    this.on = Boolean(rule);
    if (!rule) return;
    // The most recent, oldest first (the oldest leave first), a page of vectors at a time.
    await readInPages<DecidedRow>(
      tx,
      `SELECT * FROM (${DECIDED_BY_PEOPLE} ORDER BY f.decided_at DESC LIMIT $2) d ORDER BY "decidedAt"`,
      [this.vectors.method, this.config.WAVE_PRECEDENT_LIMIT],
      PAGE,
      (rows) => {
        for (const row of rows) this.remember(row.flagId, row.action, toVector(row.vector));
      },
    );
  }

  /** Flags whose state changed (decided, undone, overturned): the index follows them. */
  async follow(tx: EntityManager, flagIds: string[]): Promise<void> {
    if (!this.on || !flagIds.length) return;
    const rows: DecidedRow[] = await tx.query(`${DECIDED_BY_PEOPLE} AND f.id = ANY($2::uuid[])`, [
      this.vectors.method,
      flagIds,
    ]);
    const decided = new Map(rows.map((r) => [r.flagId, r]));
    for (const id of flagIds) {
      const row = decided.get(id);
      if (row) this.remember(id, row.action, toVector(row.vector));
      else this.forget(id);
    }
  }

  /** A post people decided, seen by the grouping (its vector is new). */
  remember(flagId: string, action: Action, vector: Int8Array): void {
    if (!this.on) return;
    this.index ??= new NearDuplicateIndex(vector.length);
    if (this.index.size >= this.config.WAVE_PRECEDENT_LIMIT && !this.actions.has(flagId)) {
      // The oldest decision leaves (a Map keeps insertion order).
      const [oldest] = this.actions.keys();
      this.forget(oldest);
    }
    this.actions.delete(flagId);
    this.actions.set(flagId, action);
    this.index.add(flagId, vector);
  }

  private forget(flagId: string): void {
    this.index?.remove(flagId);
    this.actions.delete(flagId);
  }

  /**
   * Decides the new flags the rule applies to, each under its row lock (one still open and not
   * claimed by a reviewer): the flags decided, and how. One audit entry for the batch.
   */
  async decide(
    tx: EntityManager,
    flags: NewFlag[],
    rule: PrecedentRule,
    policyVersion: number,
  ): Promise<Map<string, Action>> {
    const index = this.index;
    if (!index) return new Map();
    const planned = flags.flatMap((flag) => {
      const near = index.near(flag.vector, rule.minSimilarity).map((n) => ({
        flagId: n.item,
        similarity: n.similarity,
        finalAction: this.actions.get(n.item) ?? null,
      }));
      const outcome = decideByPrecedent(near, rule);
      if (!outcome) return [];
      const grounds: PrecedentGrounds = {
        count: outcome.count,
        minSimilarity: Math.floor(outcome.minSimilarity * 100) / 100,
        flagIds: near.slice(0, GROUNDS_FLAGS).map((n) => n.flagId),
      };
      return [{ flagId: flag.id, action: outcome.action, grounds }];
    });
    const decided: {
      flagId: string;
      action: Action;
      decisionId: string;
      grounds: PrecedentGrounds;
    }[] = [];
    // In id order, as every caller that locks several flags does: no deadlock between them.
    for (const plan of planned.sort((a, b) => (a.flagId < b.flagId ? -1 : 1))) {
      const flag = await this.flags.lock(tx, plan.flagId);
      if (flag.status !== 'open' || flag.claimActive || flag.copyOf) continue;
      const { decisionId } = await this.flags.recordDecision(
        tx,
        flag,
        { precedent: plan.grounds, policyVersion },
        { action: plan.action, reason: precedentReason(plan.action, plan.grounds) },
      );
      decided.push({ ...plan, decisionId });
    }
    if (!decided.length) return new Map();
    await this.audit.record(
      {
        actor: { label: 'sieve-precedent' },
        action: 'flag.decided_by_precedent',
        objectType: 'policy',
        objectId: String(policyVersion),
        details: { rule, decisions: decided },
      },
      tx,
    );
    return new Map(decided.map((d) => [d.flagId, d.action]));
  }

  /** Once the batch that decided them has committed. */
  counted(decided: Map<string, Action>, policyVersion: number): void {
    if (!decided.size) return;
    for (const action of decided.values()) this.metrics.precedentDecisions.inc({ action });
    this.logger.log(`decided ${decided.size} flags by precedent (policy ${policyVersion})`);
  }
}

/** What the platform (and the author, in a statement) reads as the reason. */
export function precedentReason(action: Action, grounds: PrecedentGrounds): string {
  const done = action === 'remove' ? 'removed' : 'approved';
  return `By precedent: reviewers ${done} ${grounds.count} posts at least ${Math.round(grounds.minSimilarity * 100)}% alike`;
}

/** Posts people decided (approve or remove), with their vectors; $1 is the vector method. */
const DECIDED_BY_PEOPLE = `
  SELECT f.id AS "flagId", f.final_action AS action, t.vector, f.decided_at AS "decidedAt"
  FROM flags f
  JOIN flag_vectors v ON v.flag_id = f.id AND v.method = $1
  JOIN text_vectors t ON t.method = v.method AND t.text_hash = v.text_hash
  WHERE f.status = 'decided' AND f.decided_by IS NOT NULL AND f.copy_of IS NULL
    AND f.final_action IN ('approve', 'remove')`;
