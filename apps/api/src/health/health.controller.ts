import { Controller, Get, HttpCode, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { IngestConsumer } from '../ingest/ingest.consumer';
import { type CircuitState, ScoringService } from '../scoring/scoring.service';

export interface HealthDto {
  status: 'ok' | 'unavailable';
  checks: {
    database: 'up' | 'down';
    consumer: string;
    /** Open: the scorer failed repeatedly and calls fail fast; ingest pauses, reviewing works. */
    scorer: CircuitState;
    /** Partitions waiting out a backoff after a failed batch. */
    pausedPartitions: number[];
  };
}

@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly consumer: IngestConsumer,
    private readonly scoring: ScoringService,
  ) {}

  /**
   * 200 once Postgres answers and the consumer has joined its group (or ingest is disabled).
   * An open scorer circuit or paused partitions are reported but keep it ready: reviewers can
   * still work, and ingest resumes by itself.
   */
  @Get()
  @HttpCode(HttpStatus.OK)
  async check(): Promise<HealthDto> {
    const database = await this.db.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const consumerReady = this.consumer.state === 'running' || this.consumer.state === 'disabled';
    const health: HealthDto = {
      status: database === 'up' && consumerReady ? 'ok' : 'unavailable',
      checks: {
        database,
        consumer: this.consumer.state,
        scorer: this.scoring.circuitState,
        pausedPartitions: this.consumer.pausedPartitions,
      },
    };
    if (health.status !== 'ok') {
      throw new ServiceUnavailableException({ message: 'Not ready', details: health.checks });
    }
    return health;
  }
}
