import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { PolicyDraftInput, PolicyVersionDto, ShadowReportDto } from '@sieve/contracts';
import {
  assertValidPolicy,
  categorySetById,
  type CategoryRule,
  type Policy,
} from '@sieve/moderation';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { PolicyVersion } from './entities/policy-version.entity';

/** How long a looked-up live policy is reused; publishing reaches every process within this. */
const ACTIVE_POLICY_TTL_MS = 2_000;

const threshold = z
  .number()
  .min(0)
  .max(1)
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, 'moves in steps of 0.01');
const ruleSchema = z
  .object({
    enabled: z.boolean(),
    reviewThreshold: threshold,
    autoActionThreshold: threshold.optional(),
  })
  .strict();
const draftSchema = z
  .object({
    rules: z.record(z.string(), ruleSchema),
    overrides: z.record(z.string().min(1).max(100), z.record(z.string(), ruleSchema)).optional(),
  })
  .strict();

/**
 * Versioned policies. Published versions are immutable (a trigger enforces it); one draft at a
 * time is edited and then published with a change note; rolling back publishes a copy of an
 * older version. Every change is in the audit log.
 */
@Injectable()
export class PoliciesService {
  private cached: { policy: Policy; at: number } | null = null;
  private cachedShadow: { policy: Policy | null; at: number } | null = null;

  constructor(
    @InjectRepository(PolicyVersion) private readonly versions: Repository<PolicyVersion>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The newest published version: what the pipeline applies now. */
  async activePolicy(): Promise<Policy> {
    if (this.cached && Date.now() - this.cached.at < ACTIVE_POLICY_TTL_MS)
      return this.cached.policy;
    const row = await this.versions.findOne({
      where: { status: 'published' },
      order: { version: 'DESC' },
    });
    if (!row) throw new Error('No published policy: the initial migration seeds version 1');
    const policy = toPolicy(row);
    this.cached = { policy, at: Date.now() };
    return policy;
  }

  /** The draft running in shadow, if any: evaluated on live traffic without acting. */
  async shadowPolicy(): Promise<Policy | null> {
    if (this.cachedShadow && Date.now() - this.cachedShadow.at < ACTIVE_POLICY_TTL_MS)
      return this.cachedShadow.policy;
    const row = await this.versions
      .createQueryBuilder('p')
      .where(`p.status = 'draft' AND p.shadow_since IS NOT NULL`)
      .getOne();
    const policy = row ? toPolicy(row) : null;
    this.cachedShadow = { policy, at: Date.now() };
    return policy;
  }

  /** Starts (from zero) or stops running the draft in shadow. */
  async setShadow(version: number, enabled: boolean, actor: Principal, ip: string) {
    await this.requireDraft(version);
    await this.db.transaction(async (tx) => {
      await this.restartShadow(tx, version, enabled);
      await this.audit.record(
        {
          actor,
          action: enabled ? 'policy.shadow_started' : 'policy.shadow_stopped',
          objectType: 'policy',
          objectId: String(version),
          ip,
        },
        tx,
      );
    });
    this.cachedShadow = null;
  }

  /** What the shadow run has seen so far: decision counts and recent events that differ. */
  async shadowReport(version: number): Promise<ShadowReportDto> {
    const [policy] = await this.db.query(
      `SELECT shadow_since FROM policy_versions WHERE version = $1`,
      [version],
    );
    if (!policy) throw new NotFoundException(`Policy version ${version} does not exist`);
    const [matrix, examples] = await Promise.all([
      this.db.query(
        `SELECT live_decision AS "live", decision AS "shadow", sum(events)::int AS events
         FROM shadow_stats WHERE policy_version = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [version],
      ),
      this.db.query(
        `SELECT e.event_id AS "eventId", e.source, e.text, f.id AS "flagId",
                s.live_decision AS "liveDecision", s.decision AS "shadowDecision",
                ARRAY(SELECT t->>'category' FROM jsonb_array_elements(s.triggered) AS t) AS categories
         FROM shadow_decisions s
         JOIN scored_events e ON e.id = s.scored_event_id
         LEFT JOIN flags f ON f.scored_event_id = e.id
         WHERE s.policy_version = $1
         ORDER BY s.created_at DESC LIMIT 20`,
        [version],
      ),
    ]);
    return {
      version,
      since: policy.shadow_since ? new Date(policy.shadow_since).toISOString() : null,
      events: (matrix as { events: number }[]).reduce((n, m) => n + m.events, 0),
      matrix,
      examples,
    };
  }

  private async restartShadow(tx: EntityManager, version: number, running: boolean) {
    await tx.query(`DELETE FROM shadow_stats WHERE policy_version = $1`, [version]);
    await tx.query(`DELETE FROM shadow_decisions WHERE policy_version = $1`, [version]);
    await tx.query(
      `UPDATE policy_versions SET shadow_since = CASE WHEN $2 THEN now() END WHERE version = $1`,
      [version, running],
    );
  }

  async version(version: number): Promise<Policy | null> {
    const row = await this.versions.findOne({ where: { version } });
    return row ? toPolicy(row) : null;
  }

  async list(): Promise<PolicyVersionDto[]> {
    const rows: PolicyRow[] = await this.db.query(`${SELECT_VERSIONS} ORDER BY p.version DESC`);
    return rows.map(toDto);
  }

  async get(version: number): Promise<PolicyVersionDto> {
    const [row]: PolicyRow[] = await this.db.query(`${SELECT_VERSIONS} WHERE p.version = $1`, [
      version,
    ]);
    if (!row) throw new NotFoundException(`Policy version ${version} does not exist`);
    return toDto(row);
  }

  /** A draft copying `basedOn` (default: the live version). Only one draft exists at a time. */
  async createDraft(basedOn: number | undefined, actor: Principal, ip: string) {
    const base = basedOn === undefined ? await this.activePolicy() : await this.version(basedOn);
    if (!base) throw new NotFoundException(`Policy version ${basedOn} does not exist`);
    return this.db.transaction(async (tx) => {
      const [existing] = await tx.query(
        `SELECT version FROM policy_versions WHERE status = 'draft'`,
      );
      if (existing)
        throw new ConflictException(
          `Version ${existing.version} is already a draft: edit, publish or discard it first`,
        );
      const [{ next }] = await tx.query(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM policy_versions`,
      );
      await tx.query(
        `INSERT INTO policy_versions (version, status, category_set_id, rules, overrides, based_on, created_by)
         VALUES ($1, 'draft', $2, $3, $4, $5, $6)`,
        [
          next,
          base.categorySetId,
          JSON.stringify(base.rules),
          JSON.stringify(base.overrides ?? {}),
          base.version,
          actor.kind === 'user' ? actor.id : null,
        ],
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.draft_created',
          objectType: 'policy',
          objectId: String(next),
          ip,
          details: { basedOn: base.version },
        },
        tx,
      );
      return next as number;
    });
  }

  async updateDraft(version: number, input: PolicyDraftInput, actor: Principal, ip: string) {
    const draft = await this.requireDraft(version);
    const parsed = draftSchema.safeParse(input);
    if (!parsed.success) {
      throw new UnprocessableEntityException({
        message: 'Invalid policy',
        details: parsed.error.issues.map((i) => ({
          field: i.path.join('.'),
          errors: [i.message],
        })),
      });
    }
    const next: Policy = {
      version,
      categorySetId: draft.categorySetId,
      rules: parsed.data.rules,
      overrides: parsed.data.overrides ?? {},
    };
    this.assertValid(next);
    await this.db.transaction(async (tx) => {
      // A shadow run compares one set of rules: an edit starts it over.
      if (draft.shadowSince) await this.restartShadow(tx, version, true);
      await tx.query(`UPDATE policy_versions SET rules = $2, overrides = $3 WHERE version = $1`, [
        version,
        JSON.stringify(next.rules),
        JSON.stringify(next.overrides),
      ]);
      await this.audit.record(
        {
          actor,
          action: 'policy.draft_updated',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: { rules: draft.rules, overrides: draft.overrides },
          after: { rules: next.rules, overrides: next.overrides },
        },
        tx,
      );
    });
    this.cachedShadow = null;
  }

  async publish(version: number, changeNote: string, actor: Principal, ip: string) {
    const draft = await this.requireDraft(version);
    const live = await this.activePolicy();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE policy_versions SET status = 'published', change_note = $2, published_at = now(),
                published_by = $3
         WHERE version = $1 AND status = 'draft'`,
        [version, changeNote, actor.kind === 'user' ? actor.id : null],
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.published',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: { version: live.version, rules: live.rules, overrides: live.overrides ?? {} },
          after: { version, rules: draft.rules, overrides: draft.overrides },
          details: { changeNote },
        },
        tx,
      );
    });
    this.cached = null;
    this.cachedShadow = null;
  }

  /** Publishes a copy of an older published version as the newest one. */
  async rollback(version: number, changeNote: string, actor: Principal, ip: string) {
    const target = await this.version(version);
    if (!target) throw new NotFoundException(`Policy version ${version} does not exist`);
    const [row] = await this.db.query(`SELECT status FROM policy_versions WHERE version = $1`, [
      version,
    ]);
    if (row.status !== 'published')
      throw new ConflictException('Only a published version can be rolled back to');
    const live = await this.activePolicy();
    if (live.version === version) throw new ConflictException(`Version ${version} is live already`);
    return this.db.transaction(async (tx) => {
      const [draft] = await tx.query(`SELECT version FROM policy_versions WHERE status = 'draft'`);
      if (draft)
        throw new ConflictException(
          `Version ${draft.version} is a draft: publish or discard it before rolling back`,
        );
      const [{ next }] = await tx.query(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM policy_versions`,
      );
      const by = actor.kind === 'user' ? actor.id : null;
      await tx.query(
        `INSERT INTO policy_versions (version, status, category_set_id, rules, overrides, based_on,
                                      change_note, created_by, published_at, published_by)
         VALUES ($1, 'published', $2, $3, $4, $5, $6, $7, now(), $7)`,
        [
          next,
          target.categorySetId,
          JSON.stringify(target.rules),
          JSON.stringify(target.overrides ?? {}),
          version,
          changeNote,
          by,
        ],
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.rolled_back',
          objectType: 'policy',
          objectId: String(next),
          ip,
          before: { version: live.version, rules: live.rules, overrides: live.overrides ?? {} },
          after: { version: next, rules: target.rules, overrides: target.overrides ?? {} },
          details: { copyOf: version, changeNote },
        },
        tx,
      );
      this.cached = null;
      return next as number;
    });
  }

  async discardDraft(version: number, actor: Principal, ip: string): Promise<void> {
    const draft = await this.requireDraft(version);
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM policy_versions WHERE version = $1 AND status = 'draft'`, [
        version,
      ]);
      await this.audit.record(
        {
          actor,
          action: 'policy.draft_discarded',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: { rules: draft.rules, overrides: draft.overrides },
        },
        tx,
      );
    });
  }

  /** Every category of the set has a rule, no unknown category, thresholds consistent. */
  assertValid(policy: Policy): void {
    const known = new Set(categorySetById(policy.categorySetId).categories.map((c) => c.name));
    const problems: { field: string; errors: string[] }[] = [];
    for (const name of known)
      if (!policy.rules[name]) problems.push({ field: `rules.${name}`, errors: ['missing'] });
    const check = (field: string, rules: Record<string, CategoryRule>) => {
      for (const name of Object.keys(rules))
        if (!known.has(name))
          problems.push({ field: `${field}.${name}`, errors: ['not a category of this set'] });
    };
    check('rules', policy.rules);
    for (const [source, rules] of Object.entries(policy.overrides ?? {}))
      check(`overrides.${source}`, rules);
    try {
      assertValidPolicy(policy);
    } catch (error) {
      problems.push({ field: 'rules', errors: [(error as Error).message] });
    }
    if (problems.length > 0)
      throw new UnprocessableEntityException({ message: 'Invalid policy', details: problems });
  }

  private async requireDraft(version: number) {
    const row = await this.versions.findOne({ where: { version } });
    if (!row) throw new NotFoundException(`Policy version ${version} does not exist`);
    if (row.status !== 'draft')
      throw new ConflictException(
        `Version ${version} is published: published versions never change`,
      );
    return row;
  }
}

interface PolicyRow {
  version: number;
  status: 'draft' | 'published';
  live: boolean;
  category_set_id: string;
  rules: Record<string, CategoryRule>;
  overrides: Record<string, Record<string, CategoryRule>>;
  based_on: number | null;
  change_note: string | null;
  created_at: Date;
  created_by: string | null;
  published_at: Date | null;
  published_by: string | null;
  shadow_since: Date | null;
}

const SELECT_VERSIONS = `
  SELECT p.version, p.status, p.category_set_id, p.rules, p.overrides, p.based_on, p.change_note,
         p.created_at, p.published_at, p.shadow_since, c.display_name AS created_by,
         b.display_name AS published_by,
         p.version = (SELECT max(version) FROM policy_versions WHERE status = 'published') AS live
  FROM policy_versions p
  LEFT JOIN users c ON c.id = p.created_by
  LEFT JOIN users b ON b.id = p.published_by`;

const toDto = (row: PolicyRow): PolicyVersionDto => ({
  version: row.version,
  status: row.status,
  live: row.live,
  categorySetId: row.category_set_id,
  rules: row.rules,
  overrides: row.overrides,
  basedOn: row.based_on,
  changeNote: row.change_note,
  createdAt: new Date(row.created_at).toISOString(),
  createdBy: row.created_by,
  publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
  publishedBy: row.published_by,
  shadowSince: row.shadow_since ? new Date(row.shadow_since).toISOString() : null,
});

const toPolicy = (row: PolicyVersion): Policy => ({
  version: row.version,
  categorySetId: row.categorySetId,
  rules: row.rules,
  overrides: row.overrides ?? {},
});
