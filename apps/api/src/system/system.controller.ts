import { Controller, Get, Inject } from '@nestjs/common';
import type { SystemInfoDto } from '@sieve/contracts';
import { categorySetById } from '@sieve/moderation';
import { ReviewService } from '../flags/review.service';
import { RequireRole } from '../auth/decorators';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JudgingService } from '../judging/judging.service';
import { PolicyProvider } from '../policies/policy-provider';
import { MODERATION_SCORER, type ModerationScorer } from '../scoring/moderation-scorer';

/** What the dashboard needs to know about this installation, e.g. whether scores are Mistral's. */
@Controller('system')
@RequireRole('viewer')
export class SystemController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODERATION_SCORER) private readonly scorer: ModerationScorer,
    private readonly policies: PolicyProvider,
    private readonly review: ReviewService,
    private readonly judging: JudgingService,
  ) {}

  @Get()
  async info(): Promise<SystemInfoDto> {
    const set = categorySetById(this.config.CATEGORY_SET);
    const policy = await this.policies.activePolicy();
    return {
      scorer: this.scorer.info,
      review: {
        reasons: this.review.reasons(),
        claimLeaseSeconds: this.config.CLAIM_LEASE_SECONDS,
        undoWindowSeconds: this.config.UNDO_WINDOW_SECONDS,
        slaMinutes: this.config.QUEUE_SLA_MINUTES,
      },
      policies: { confirmChangePercent: this.config.POLICY_CONFIRM_CHANGE_PERCENT },
      categorySet: set.id,
      // The platform's own rules beside the built-in ones, so chips, filters and stats label them.
      categories: [
        ...set.categories,
        ...(policy.customCategories ?? []).map((c) => ({
          name: c.name,
          label: c.label,
          description: c.definition,
          sensitive: false,
          custom: true,
          severity: c.severity,
        })),
      ],
      judge: { kind: this.judging.judge.kind, model: this.judging.judge.model },
      policyVersion: policy.version,
    };
  }
}
