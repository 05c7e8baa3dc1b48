import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Policy } from '@sieve/moderation';
import { Repository } from 'typeorm';
import { PolicyVersion } from './entities/policy-version.entity';

/** How long a looked-up live policy is reused; publishing reaches every process within this. */
const ACTIVE_POLICY_TTL_MS = 2_000;

/**
 * The policies the pipeline applies, on the hot path: the live version and the draft running
 * in shadow, each looked up at most every ACTIVE_POLICY_TTL_MS per process. Authoring
 * (PoliciesService) invalidates them in the process that made the change.
 */
@Injectable()
export class PolicyProvider {
  private cached: { policy: Policy; at: number } | null = null;
  private cachedShadow: { policy: Policy | null; at: number } | null = null;

  constructor(
    @InjectRepository(PolicyVersion) private readonly versions: Repository<PolicyVersion>,
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

  /** Any version, published or draft. */
  async version(version: number): Promise<Policy | null> {
    const row = await this.versions.findOne({ where: { version } });
    return row ? toPolicy(row) : null;
  }

  /** After this process changed what is live or in shadow. */
  invalidate(): void {
    this.cached = null;
    this.cachedShadow = null;
  }
}

export const toPolicy = (row: PolicyVersion): Policy => ({
  version: row.version,
  categorySetId: row.categorySetId,
  rules: row.rules,
  overrides: row.overrides ?? {},
  customCategories: row.customCategories ?? [],
  grayZone: row.grayZone ?? 0,
  precedent: row.precedent ?? null,
});
