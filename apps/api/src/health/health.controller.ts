import { Controller, Get, HttpCode, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { IngestConsumer } from '../ingest/ingest.consumer';

export interface HealthDto {
  status: 'ok' | 'unavailable';
  checks: { database: 'up' | 'down'; consumer: string };
}

@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly consumer: IngestConsumer,
  ) {}

  /** 200 once Postgres answers and the consumer has joined its group (or ingest is disabled). */
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
      checks: { database, consumer: this.consumer.state },
    };
    if (health.status !== 'ok') {
      throw new ServiceUnavailableException({ message: 'Not ready', details: health.checks });
    }
    return health;
  }
}
