import {
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { PolicyDraftInput, PolicyVersionDto, ShadowReportDto } from '@sieve/contracts';
import {
  type CategoryRule,
  CUSTOM_SEVERITIES,
  type CustomCategory,
  customTarget,
  type Policy,
  type PrecedentRule,
} from '@sieve/moderation';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { User } from '../users/entities/user.entity';
import { PolicyVersion } from './entities/policy-version.entity';
import { assertValidForItsSet } from './policy-validation';
import { PolicyProvider } from './policy-provider';
import { ShadowResultsStore } from './shadow-results.store';

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
const text = (max: number) => z.string().trim().min(1).max(max);
const customCategorySchema = z
  .object({
    name: z.string().max(40),
    label: text(80),
    definition: z.string().trim().min(10).max(2000),
    violatingExamples: z.array(text(500)).max(20),
    allowedExamples: z.array(text(500)).max(20),
    severity: z.enum(CUSTOM_SEVERITIES),
    enabled: z.boolean(),
    mode: z.enum(['active', 'shadow']),
    reviewThreshold: threshold,
    autoActionThreshold: threshold.optional(),
    prefilter: z
      .object({
        keywords: z.array(text(60)).max(50).optional(),
        patterns: z.array(z.string().min(1).max(200)).max(20).optional(),
        scoreAbove: z
          .array(z.object({ category: z.string(), score: threshold }).strict())
          .max(20)
          .optional(),
        sources: z.array(text(100)).max(50).optional(),
      })
      .strict(),
  })
  .strict();
const draftSchema = z
  .object({
    rules: z.record(z.string(), ruleSchema),
    overrides: z.record(z.string().min(1).max(100), z.record(z.string(), ruleSchema)).optional(),
    customCategories: z.array(customCategorySchema).max(20).optional(),
    grayZone: threshold.optional(),
    precedent: z
      .object({
        actions: z
          .array(z.enum(['approve', 'remove']))
          .min(1)
          .refine((a) => new Set(a).size === a.length, 'names each action once'),
        minDecided: z.number().int().min(2).max(100),
        minSimilarity: threshold.refine((n) => n >= 0.5, 'at least 0.5'),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

/**
 * Authoring versioned policies. Published versions are immutable (a trigger enforces it); one
 * draft at a time is edited and then published with a change note; rolling back publishes a copy
 * of an older version; a draft can run in shadow. Every change is in the audit log. What the
 * pipeline applies comes from PolicyProvider.
 */
@Injectable()
export class PoliciesService {
  constructor(
    @InjectRepository(PolicyVersion) private readonly versions: Repository<PolicyVersion>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly provider: PolicyProvider,
    private readonly shadowResults: ShadowResultsStore,
  ) {}

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
    this.provider.invalidate();
  }

  /** What the shadow run has seen so far: decision counts and recent events that differ. */
  async shadowReport(version: number): Promise<ShadowReportDto> {
    const policy = await this.versions.findOne({ where: { version } });
    if (!policy) throw new NotFoundException(`Policy version ${version} does not exist`);
    const { matrix, examples } = await this.shadowResults.report(version);
    return {
      version,
      since: policy.shadowSince?.toISOString() ?? null,
      events: matrix.reduce((n, m) => n + m.events, 0),
      matrix,
      examples,
    };
  }

  private async restartShadow(tx: EntityManager, version: number, running: boolean) {
    await this.shadowResults.clear(tx, version);
    await tx
      .getRepository(PolicyVersion)
      .update({ version }, { shadowSince: running ? () => 'now()' : null });
  }

  async list(): Promise<PolicyVersionDto[]> {
    const rows = await this.selectVersions().orderBy('p.version', 'DESC').getRawMany<PolicyRow>();
    return rows.map(toDto);
  }

  async get(version: number): Promise<PolicyVersionDto> {
    const row = await this.selectVersions()
      .where('p.version = :version', { version })
      .getRawOne<PolicyRow>();
    if (!row) throw new NotFoundException(`Policy version ${version} does not exist`);
    return toDto(row);
  }

  /** A draft copying `basedOn` (default: the live version). Only one draft exists at a time. */
  async createDraft(basedOn: number | undefined, actor: Principal, ip: string) {
    const base =
      basedOn === undefined
        ? await this.provider.activePolicy()
        : await this.provider.version(basedOn);
    if (!base) throw new NotFoundException(`Policy version ${basedOn} does not exist`);
    return this.db.transaction(async (tx) => {
      const versions = tx.getRepository(PolicyVersion);
      const existing = await versions.findOne({ where: { status: 'draft' } });
      if (existing)
        throw new ConflictException(
          `Version ${existing.version} is already a draft: edit, publish or discard it first`,
        );
      const next = ((await versions.maximum('version')) ?? 0) + 1;
      await versions.insert({
        version: next,
        status: 'draft',
        categorySetId: base.categorySetId,
        rules: base.rules,
        overrides: base.overrides ?? {},
        customCategories: base.customCategories ?? [],
        grayZone: base.grayZone ?? 0,
        precedent: base.precedent ?? null,
        basedOn: base.version,
        createdBy: actor.kind === 'user' ? actor.id : null,
      });
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
      return next;
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
      customCategories: parsed.data.customCategories ?? draft.customCategories,
      grayZone: parsed.data.grayZone ?? draft.grayZone,
      precedent: parsed.data.precedent === undefined ? draft.precedent : parsed.data.precedent,
    };
    assertValidForItsSet(next);
    await this.db.transaction(async (tx) => {
      // A shadow run compares one set of rules: an edit starts it over.
      if (draft.shadowSince) await this.restartShadow(tx, version, true);
      await tx.getRepository(PolicyVersion).update(
        { version },
        {
          rules: next.rules,
          overrides: next.overrides,
          customCategories: next.customCategories,
          grayZone: next.grayZone,
          precedent: next.precedent ?? null,
        },
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.draft_updated',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: auditedRules(draft),
          after: auditedRules(next),
        },
        tx,
      );
    });
    this.provider.invalidate();
  }

  async publish(version: number, changeNote: string, actor: Principal, ip: string) {
    const draft = await this.requireDraft(version);
    const live = await this.provider.activePolicy();
    await this.requireEvaluated(draft.customCategories, live);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(PolicyVersion).update(
        { version, status: 'draft' },
        {
          status: 'published',
          changeNote,
          publishedAt: () => 'now()',
          publishedBy: actor.kind === 'user' ? actor.id : null,
        },
      );
      await this.audit.record(
        {
          actor,
          action: 'policy.published',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: { version: live.version, ...auditedRules(live) },
          after: { version, ...auditedRules(draft) },
          details: { changeNote },
        },
        tx,
      );
    });
    this.provider.invalidate();
  }

  /** Publishes a copy of an older published version as the newest one. */
  async rollback(version: number, changeNote: string, actor: Principal, ip: string) {
    const target = await this.versions.findOne({ where: { version } });
    if (!target) throw new NotFoundException(`Policy version ${version} does not exist`);
    if (target.status !== 'published')
      throw new ConflictException('Only a published version can be rolled back to');
    const live = await this.provider.activePolicy();
    if (live.version === version) throw new ConflictException(`Version ${version} is live already`);
    const next = await this.db.transaction(async (tx) => {
      const versions = tx.getRepository(PolicyVersion);
      const draft = await versions.findOne({ where: { status: 'draft' } });
      if (draft)
        throw new ConflictException(
          `Version ${draft.version} is a draft: publish or discard it before rolling back`,
        );
      const next = ((await versions.maximum('version')) ?? 0) + 1;
      const by = actor.kind === 'user' ? actor.id : null;
      await versions.insert({
        version: next,
        status: 'published',
        categorySetId: target.categorySetId,
        rules: target.rules,
        overrides: target.overrides ?? {},
        customCategories: target.customCategories ?? [],
        grayZone: target.grayZone ?? 0,
        precedent: target.precedent ?? null,
        basedOn: version,
        changeNote,
        createdBy: by,
        publishedAt: () => 'now()',
        publishedBy: by,
      });
      await this.audit.record(
        {
          actor,
          action: 'policy.rolled_back',
          objectType: 'policy',
          objectId: String(next),
          ip,
          before: { version: live.version, ...auditedRules(live) },
          after: { version: next, ...auditedRules(target) },
          details: { copyOf: version, changeNote },
        },
        tx,
      );
      return next;
    });
    this.provider.invalidate();
    return next;
  }

  async discardDraft(version: number, actor: Principal, ip: string): Promise<void> {
    const draft = await this.requireDraft(version);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(PolicyVersion).delete({ version, status: 'draft' });
      await this.audit.record(
        {
          actor,
          action: 'policy.draft_discarded',
          objectType: 'policy',
          objectId: String(version),
          ip,
          before: auditedRules(draft),
        },
        tx,
      );
    });
    this.provider.invalidate();
  }

  /**
   * A custom category whose rule (definition, examples, label) is new or differs from the live
   * version's is published only after an evaluation of that exact rule version: a policy team
   * sees how the judge does against reviewers before the rule acts.
   */
  private async requireEvaluated(custom: CustomCategory[], live: Policy): Promise<void> {
    const liveVersions = new Set((live.customCategories ?? []).map((c) => customTarget(c).version));
    const changed = custom
      .filter((c) => c.enabled)
      .map((c) => ({ name: c.name, version: customTarget(c).version }))
      .filter((c) => !liveVersions.has(c.version));
    if (changed.length === 0) return;
    const evaluated: { category: string; target_version: string }[] = await this.db.query(
      `SELECT DISTINCT category, target_version FROM judge_evaluations
        WHERE status = 'done'
          AND (category, target_version) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [changed.map((c) => c.name), changed.map((c) => c.version)],
    );
    const done = new Set(evaluated.map((e) => `${e.category}\n${e.target_version}`));
    const missing = changed.filter((c) => !done.has(`${c.name}\n${c.version}`));
    if (missing.length > 0)
      throw new UnprocessableEntityException({
        message: `Evaluate ${missing.map((c) => c.name).join(', ')} before publishing: a new or changed custom category is checked against reviewer decisions first`,
        code: 'custom_category_not_evaluated',
        details: missing.map((c) => ({
          field: `customCategories.${c.name}`,
          errors: [`rule version ${c.version} has no evaluation`],
        })),
      });
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

  /** Versions with their authors' names and whether each is the live one. */
  private selectVersions() {
    return this.versions
      .createQueryBuilder('p')
      .leftJoin(User, 'c', 'c.id = p.created_by')
      .leftJoin(User, 'b', 'b.id = p.published_by')
      .select([
        'p.version AS version',
        'p.status AS status',
        'p.category_set_id AS category_set_id',
        'p.rules AS rules',
        'p.overrides AS overrides',
        'p.custom_categories AS custom_categories',
        'p.gray_zone AS gray_zone',
        'p.precedent AS precedent',
        'p.based_on AS based_on',
        'p.change_note AS change_note',
        'p.created_at AS created_at',
        'p.published_at AS published_at',
        'p.shadow_since AS shadow_since',
        'c.display_name AS created_by',
        'b.display_name AS published_by',
      ])
      .addSelect(
        `p.version = (SELECT max(version) FROM policy_versions WHERE status = 'published')`,
        'live',
      );
  }
}

interface PolicyRow {
  version: number;
  status: 'draft' | 'published';
  live: boolean;
  category_set_id: string;
  rules: Record<string, CategoryRule>;
  overrides: Record<string, Record<string, CategoryRule>>;
  custom_categories: CustomCategory[];
  gray_zone: number;
  precedent: PrecedentRule | null;
  based_on: number | null;
  change_note: string | null;
  created_at: Date;
  created_by: string | null;
  published_at: Date | null;
  published_by: string | null;
  shadow_since: Date | null;
}

const toDto = (row: PolicyRow): PolicyVersionDto => ({
  version: row.version,
  status: row.status,
  live: row.live,
  categorySetId: row.category_set_id,
  rules: row.rules,
  overrides: row.overrides,
  customCategories: row.custom_categories,
  grayZone: row.gray_zone,
  precedent: row.precedent,
  basedOn: row.based_on,
  changeNote: row.change_note,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  publishedAt: row.published_at?.toISOString() ?? null,
  publishedBy: row.published_by,
  shadowSince: row.shadow_since?.toISOString() ?? null,
});

/** What the audit log keeps of a version's rules: before and after of every change. */
const auditedRules = (p: {
  rules: Record<string, CategoryRule>;
  overrides?: Record<string, Record<string, CategoryRule>>;
  customCategories?: CustomCategory[];
  grayZone?: number;
  precedent?: PrecedentRule | null;
}) => ({
  rules: p.rules,
  overrides: p.overrides ?? {},
  customCategories: p.customCategories ?? [],
  grayZone: p.grayZone ?? 0,
  precedent: p.precedent ?? null,
});
