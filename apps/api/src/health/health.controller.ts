import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/decorators';
import { DecisionOutboxRelay } from '../flags/decision-outbox.relay';
import { IngestConsumer } from '../ingest/ingest.consumer';
import { ScoringService } from '../scoring/scoring.service';
import { VectorSearch } from '../waves/vector-search';
import { WaveGrouper } from '../waves/wave-grouper';
import { WebhooksService } from '../webhooks/webhooks.service';

/**
 * Liveness and readiness for orchestrators (Terminus). Body on both success and failure (503):
 * `{ status, info, error, details }` with one entry per check.
 */
// Probes and scrapers poll; they are not clients to slow down.
@SkipThrottle()
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly consumer: IngestConsumer,
    private readonly scoring: ScoringService,
    private readonly outbox: DecisionOutboxRelay,
    private readonly webhooks: WebhooksService,
    private readonly vectorSearch: VectorSearch,
    private readonly waveGrouper: WaveGrouper,
  ) {}

  /** 200 while the process serves requests at all; restart it when this fails. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * 200 once Postgres answers and the consumer has joined its group (or ingest is disabled).
   * An open scorer circuit and paused partitions are reported but keep the replica ready:
   * reviewers can still work, and ingest resumes by itself when Mistral recovers. The same for
   * the decision outbox: its backlog and the age of its oldest message are shown, and a broker
   * outage only makes them grow. Webhook endpoints that are failing or disabled are named
   * (a receiver being down is the platform's outage, not this replica's). `waves` names the
   * text-vector method and the similarity search in use, whether this replica groups, and how many
   * flags wait to be grouped and for how long.
   */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => {
        const kafka = this.indicators.check('kafka');
        const state = this.consumer.state;
        return state === 'running' || state === 'disabled'
          ? kafka.up({ consumer: state })
          : kafka.down({ consumer: state });
      },
      () =>
        this.indicators.check('mistral').up({
          circuit: this.scoring.circuitState,
          pausedPartitions: this.consumer.pausedPartitions,
        }),
      async () => {
        const { unsent, oldestUnsentSeconds } = await this.outbox.backlog();
        return this.indicators.check('outbox').up({
          relay: this.outbox.state,
          unsent,
          oldestUnsentSeconds: Math.round(oldestUnsentSeconds * 10) / 10,
        });
      },
      async () => this.indicators.check('webhooks').up(await this.webhooks.summary()),
      async () =>
        this.indicators.check('waves').up({
          ...(await this.vectorSearch.describe()),
          ...(await this.waveGrouper.describe()),
        }),
    ]);
  }

  /** The readiness check, where earlier clients and probes look for it. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }
}
