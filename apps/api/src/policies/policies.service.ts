import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Policy } from '@sieve/moderation';
import { Repository } from 'typeorm';
import { PolicyVersion } from './entities/policy-version.entity';

/** How long a looked-up live policy is reused; publishing reaches every process within this. */
const ACTIVE_POLICY_TTL_MS = 2_000;

@Injectable()
export class PoliciesService {
  private cached: { policy: Policy; at: number } | null = null;

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

  async version(version: number): Promise<Policy | null> {
    const row = await this.versions.findOne({ where: { version } });
    return row ? toPolicy(row) : null;
  }
}

const toPolicy = (row: PolicyVersion): Policy => ({
  version: row.version,
  categorySetId: row.categorySetId,
  rules: row.rules,
});
