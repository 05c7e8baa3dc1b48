import type { DataSourceOptions } from 'typeorm';
import { Appeal } from '../appeals/entities/appeal.entity';
import { AuthorStrikesRow } from '../authors/entities/author-strikes.entity';
import { Erasure } from '../authors/entities/erasure.entity';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { LoginThrottle } from '../auth/entities/login-throttle.entity';
import { SecurityKey, WebauthnChallenge } from '../auth/entities/security-key.entity';
import { Session } from '../auth/entities/session.entity';
import { Explanation } from '../explanations/entities/explanation.entity';
import { ExplanationRequest } from '../explanations/entities/explanation-request.entity';
import { Flag } from '../flags/entities/flag.entity';
import {
  HourlyFlagCount,
  HourlyFlagCountsProgress,
} from '../flags/entities/hourly-flag-count.entity';
import {
  JudgeCacheEntry,
  JudgeEvaluation,
  JudgementRow,
  JudgeRequest,
  JudgeSpend,
} from '../judging/entities/judging.entities';
import { FlagDecision } from '../flags/entities/flag-decision.entity';
import { FlagNote } from '../flags/entities/flag-note.entity';
import { OutboxMessage } from '../flags/entities/outbox-message.entity';
import { EventKey, ScoredEvent } from '../ingest/entities/scored-event.entity';
import { RetentionRun } from '../retention/entities/retention-run.entity';
import { WAVE_ENTITIES } from '../waves/entities/wave.entities';
import { MistralUsage } from '../mistral/entities/mistral-usage.entity';
import { PolicyVersion } from '../policies/entities/policy-version.entity';
import { GoldenItem } from '../quality/entities/golden-item.entity';
import { QualityCheck } from '../quality/entities/quality-check.entity';
import { QueueStatusCount } from '../queues/entities/queue-status-count.entity';
import { QueueRow } from '../queues/entities/queue.entity';
import { RoutingVersion } from '../queues/entities/routing-version.entity';
import {
  ScoreHistogram,
  ScoreHistogramDaily,
  ScoreHistogramProgress,
} from '../policies/entities/score-histogram.entity';
import { ShadowDecision, ShadowStat } from '../policies/entities/shadow-result.entity';
import { ScoreCacheEntry } from '../scoring/entities/score-cache-entry.entity';
import { ScoreClaim } from '../scoring/entities/score-claim.entity';
import { ScoreLayout } from '../scoring/entities/score-layout.entity';
import { ScoreModel } from '../scoring/entities/score-model.entity';
import {
  StatementOfReasons,
  StatementProgress,
} from '../statements/entities/statement-of-reasons.entity';
import { ApiToken } from '../tokens/entities/api-token.entity';
import { User } from '../users/entities/user.entity';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhooks/entities/webhook-endpoint.entity';
import { InitialSchema1764064800000 } from './migrations/1764064800000-InitialSchema';
import { AccountsAndAudit1764072000000 } from './migrations/1764072000000-AccountsAndAudit';
import { ReviewWorkflow1764079200000 } from './migrations/1764079200000-ReviewWorkflow';
import { Explanations1764086400000 } from './migrations/1764086400000-Explanations';
import { UserPreferences1764093600000 } from './migrations/1764093600000-UserPreferences';
import { ScoreCache1764100800000 } from './migrations/1764100800000-ScoreCache';
import { PolicyAuthoring1764108000000 } from './migrations/1764108000000-PolicyAuthoring';
import { ScoreHistograms1764115200000 } from './migrations/1764115200000-ScoreHistograms';
import { ShadowPolicies1764122400000 } from './migrations/1764122400000-ShadowPolicies';
import { QueueSeverityIndex1764129600000 } from './migrations/1764129600000-QueueSeverityIndex';
import { SavedViews1764136800000 } from './migrations/1764136800000-SavedViews';
import { SimilarDecisions1764144000000 } from './migrations/1764144000000-SimilarDecisions';
import { MistralUsage1764151200000 } from './migrations/1764151200000-MistralUsage';
import { TimeOrderedIds1764158400000 } from './migrations/1764158400000-TimeOrderedIds';
import { DecisionOutbox1764165600000 } from './migrations/1764165600000-DecisionOutbox';
import { ScoreNormalizedTexts1764172800000 } from './migrations/1764172800000-ScoreNormalizedTexts';
import { TokenActors1764180000000 } from './migrations/1764180000000-TokenActors';
import { CheckedExplanations1764187200000 } from './migrations/1764187200000-CheckedExplanations';
import { StoredHighlights1764194400000 } from './migrations/1764194400000-StoredHighlights';
import { DecidedUnrevealed1764201600000 } from './migrations/1764201600000-DecidedUnrevealed';
import { Webhooks1764208800000 } from './migrations/1764208800000-Webhooks';
import { Appeals1764216000000 } from './migrations/1764216000000-Appeals';
import { StatementsOfReasons1764223200000 } from './migrations/1764223200000-StatementsOfReasons';
import { AuthorStrikes1764230400000 } from './migrations/1764230400000-AuthorStrikes';
import { RemovalsIndex1764237600000 } from './migrations/1764237600000-RemovalsIndex';
import { ContentFilters1764244800000 } from './migrations/1764244800000-ContentFilters';
import { FirstLook1764252000000 } from './migrations/1764252000000-FirstLook';
import { Queues1764259200000 } from './migrations/1764259200000-Queues';
import { QualityChecks1764266400000 } from './migrations/1764266400000-QualityChecks';
import { CustomCategories1764273600000 } from './migrations/1764273600000-CustomCategories';
import { PartitionedScoredEvents1764280800000 } from './migrations/1764280800000-PartitionedScoredEvents';
import { Erasures1764288000000 } from './migrations/1764288000000-Erasures';
import { ScoreClaims1764295200000 } from './migrations/1764295200000-ScoreClaims';
import { Waves1764309600000 } from './migrations/1764309600000-Waves';
import { Precedent1764316800000 } from './migrations/1764316800000-Precedent';
import { FlaggedEventsKept1764324000000 } from './migrations/1764324000000-FlaggedEventsKept';
import { ErasedVectors1764331200000 } from './migrations/1764331200000-ErasedVectors';
import { CompactScoreCache1764338400000 } from './migrations/1764338400000-CompactScoreCache';
import { CompactScoredEvents1764345600000 } from './migrations/1764345600000-CompactScoredEvents';
import { DailyScoreHistograms1764352800000 } from './migrations/1764352800000-DailyScoreHistograms';
import { DecisionsByTime1764360000000 } from './migrations/1764360000000-DecisionsByTime';
import { JudgementStoreFailed1764367200000 } from './migrations/1764367200000-JudgementStoreFailed';
import { WebhookDeliveryRetries1764374400000 } from './migrations/1764374400000-WebhookDeliveryRetries';
import { WebhookLastFailedDelivery1764381600000 } from './migrations/1764381600000-WebhookLastFailedDelivery';
import { QueueTimingIndexes1764388800000 } from './migrations/1764388800000-QueueTimingIndexes';
import { HourlyFlagCounts1764396000000 } from './migrations/1764396000000-HourlyFlagCounts';
import { QueueOpenCounts1764403200000 } from './migrations/1764403200000-QueueOpenCounts';
import { QueueStatusCounts1764410400000 } from './migrations/1764410400000-QueueStatusCounts';
import { DropQueueOpenCounts1764417600000 } from './migrations/1764417600000-DropQueueOpenCounts';
import { JudgeCacheTextHash1764424800000 } from './migrations/1764424800000-JudgeCacheTextHash';
import { ErasuresInBatches1764432000000 } from './migrations/1764432000000-ErasuresInBatches';
import { StrikesRecounted1764439200000 } from './migrations/1764439200000-StrikesRecounted';
import { RepeatOffendersIndex1764446400000 } from './migrations/1764446400000-RepeatOffendersIndex';
import { PasswordChosenByOwner1764453600000 } from './migrations/1764453600000-PasswordChosenByOwner';
import { SecondFactor1764460800000 } from './migrations/1764460800000-SecondFactor';
import { SecurityKeys1764468000000 } from './migrations/1764468000000-SecurityKeys';
import { CompactScores1764302400000 } from './migrations/1764302400000-CompactScores';

/**
 * Every table's entity, each in the module that owns the table (docs/architecture.md). They
 * document the schema and type the rows; the migrations create it (never `synchronize`).
 */
export const ENTITIES = [
  ScoredEvent,
  EventKey,
  RetentionRun,
  ...WAVE_ENTITIES,
  Erasure,
  Flag,
  FlagDecision,
  FlagNote,
  HourlyFlagCount,
  HourlyFlagCountsProgress,
  OutboxMessage,
  PolicyVersion,
  ScoreHistogram,
  ScoreHistogramDaily,
  ScoreHistogramProgress,
  ShadowStat,
  ShadowDecision,
  ScoreCacheEntry,
  ScoreClaim,
  ScoreLayout,
  ScoreModel,
  Explanation,
  ExplanationRequest,
  User,
  Session,
  LoginThrottle,
  SecurityKey,
  WebauthnChallenge,
  ApiToken,
  AuditEntry,
  MistralUsage,
  WebhookEndpoint,
  WebhookDelivery,
  Appeal,
  StatementOfReasons,
  StatementProgress,
  AuthorStrikesRow,
  QueueRow,
  QueueStatusCount,
  RoutingVersion,
  GoldenItem,
  QualityCheck,
  JudgeRequest,
  JudgementRow,
  JudgeCacheEntry,
  JudgeSpend,
  JudgeEvaluation,
];
/** Class references, not globs, so the same list works in the webpack bundle and under ts-jest. */
export const MIGRATIONS = [
  InitialSchema1764064800000,
  AccountsAndAudit1764072000000,
  ReviewWorkflow1764079200000,
  Explanations1764086400000,
  UserPreferences1764093600000,
  ScoreCache1764100800000,
  PolicyAuthoring1764108000000,
  ScoreHistograms1764115200000,
  ShadowPolicies1764122400000,
  QueueSeverityIndex1764129600000,
  SavedViews1764136800000,
  SimilarDecisions1764144000000,
  MistralUsage1764151200000,
  TimeOrderedIds1764158400000,
  DecisionOutbox1764165600000,
  ScoreNormalizedTexts1764172800000,
  TokenActors1764180000000,
  CheckedExplanations1764187200000,
  StoredHighlights1764194400000,
  DecidedUnrevealed1764201600000,
  Webhooks1764208800000,
  Appeals1764216000000,
  StatementsOfReasons1764223200000,
  AuthorStrikes1764230400000,
  RemovalsIndex1764237600000,
  ContentFilters1764244800000,
  FirstLook1764252000000,
  Queues1764259200000,
  QualityChecks1764266400000,
  CustomCategories1764273600000,
  PartitionedScoredEvents1764280800000,
  Erasures1764288000000,
  ScoreClaims1764295200000,
  CompactScores1764302400000,
  Waves1764309600000,
  Precedent1764316800000,
  FlaggedEventsKept1764324000000,
  ErasedVectors1764331200000,
  CompactScoreCache1764338400000,
  CompactScoredEvents1764345600000,
  DailyScoreHistograms1764352800000,
  DecisionsByTime1764360000000,
  JudgementStoreFailed1764367200000,
  WebhookDeliveryRetries1764374400000,
  WebhookLastFailedDelivery1764381600000,
  QueueTimingIndexes1764388800000,
  HourlyFlagCounts1764396000000,
  QueueOpenCounts1764403200000,
  QueueStatusCounts1764410400000,
  DropQueueOpenCounts1764417600000,
  JudgeCacheTextHash1764424800000,
  ErasuresInBatches1764432000000,
  StrikesRecounted1764439200000,
  RepeatOffendersIndex1764446400000,
  PasswordChosenByOwner1764453600000,
  SecondFactor1764460800000,
  SecurityKeys1764468000000,
];

/**
 * The url with every session's TimeZone set to UTC, after any options the url already has.
 * Hours and days are UTC throughout (histograms, day partitions, reports); `date_trunc` and
 * `::date` follow the session's zone, which is otherwise the server's or the database's default
 * (a zone like Asia/Kolkata would put hourly buckets on the half hour, and the daily rollups
 * would disagree with them). In the url because pg lets the url's options override a config's.
 */
export function inUtc(url: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', [options, '-c TimeZone=UTC'].filter(Boolean).join(' '));
  return parsed.toString();
}

/**
 * The one description of the database, shared by Nest, the migration command and tests.
 * `statementTimeoutMs` bounds every query of the pool; migrations run without one. The ingest
 * relies on it: a batch's `scored_at` is never older than the timeout when it commits, which is
 * what lets backtest histograms roll up rows older than BACKTEST_SETTLE_SECONDS safely.
 */
export function dataSourceOptions(
  url: string,
  poolSize = 10,
  statementTimeoutMs?: number,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: inUtc(url),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: {
      max: poolSize,
      application_name: 'sieve-api',
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
    },
  };
}
