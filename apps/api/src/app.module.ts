import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppealsModule } from './appeals/appeals.module';
import { AuthorsModule } from './authors/authors.module';
import { BackgroundJobsModule } from './common/background-jobs.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FlagsModule } from './flags/flags.module';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { JudgingModule } from './judging/judging.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { ExplanationsModule } from './explanations/explanations.module';
import { KafkaModule } from './kafka/kafka.module';
import { MistralModule } from './mistral/mistral.module';
import { ScoringModule } from './scoring/scoring.module';
import { SecretsModule } from './secrets/secrets.module';
import { QualityModule } from './quality/quality.module';
import { QueuesModule } from './queues/queues.module';
import { RetentionModule } from './retention/retention.module';
import { TransparencyModule } from './transparency/transparency.module';
import { StatementsModule } from './statements/statements.module';
import { StatsModule } from './stats/stats.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { SystemModule } from './system/system.module';
import { VectorsModule } from './waves/vectors.module';
import { WavesModule } from './waves/waves.module';

@Module({
  imports: [
    ConfigModule,
    BackgroundJobsModule,
    LoggingModule,
    MetricsModule,
    DatabaseModule,
    SecretsModule,
    KafkaModule,
    MistralModule,
    ScoringModule,
    AuditModule,
    AuthModule,
    RetentionModule,
    IngestModule,
    JudgingModule,
    VectorsModule,
    FlagsModule,
    WavesModule,
    QueuesModule,
    QualityModule,
    ExplanationsModule,
    HealthModule,
    SystemModule,
    StatsModule,
    TransparencyModule,
    WebhooksModule,
    AppealsModule,
    StatementsModule,
    AuthorsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
})
export class AppModule {}
