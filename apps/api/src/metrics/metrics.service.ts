import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus series Sieve exports, in one registry per process (so tests running several
 * apps in one process do not collide). Names follow Prometheus conventions: `_total` counters,
 * base units (seconds, USD).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly eventsConsumed = new Counter({
    name: 'sieve_events_consumed_total',
    help: 'Content events read from Kafka',
    registers: [this.registry],
  });
  readonly eventsScored = new Counter({
    name: 'sieve_events_scored_total',
    help: 'Events stored with scores, by where the score came from',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  readonly eventsFlagged = new Counter({
    name: 'sieve_events_flagged_total',
    help: 'Stored events that triggered a category, by category and action',
    labelNames: ['category', 'action'] as const,
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'sieve_decisions_total',
    help: 'Automatic decisions published, by decision',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: 'sieve_dead_letters_total',
    help: 'Events sent to the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly duplicateEvents = new Counter({
    name: 'sieve_events_already_stored_total',
    help: 'Events seen again (replays, redeliveries) and not stored twice',
    registers: [this.registry],
  });
  readonly waveFlagsGrouped = new Counter({
    name: 'sieve_wave_flags_total',
    help: 'Flags taken by the wave grouping, by outcome (grouped into a wave, alone, refused: the embedding API refused the text, or failed: left out after Postgres refused its data)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly precedentDecisions = new Counter({
    name: 'sieve_precedent_decisions_total',
    help: 'Flags Sieve decided by precedent under the live policy, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly wavesRaised = new Counter({
    name: 'sieve_waves_raised_total',
    help: 'Waves raised as campaigns (fast growth, many authors), by reason: alert on its rate',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly waveInboxBacklog = new Gauge({
    name: 'sieve_wave_inbox_backlog',
    help: 'Flags waiting to be vectorized and grouped (every replica reports it, grouping or not)',
    registers: [this.registry],
  });
  readonly waveInboxOldestSeconds = new Gauge({
    name: 'sieve_wave_inbox_oldest_seconds',
    help: 'Age of the oldest flag waiting to be grouped: rising when no replica groups or it lags',
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'sieve_consumer_lag_messages',
    help: 'Messages behind the end of each partition, as of its last batch',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });
  readonly pausedPartitions = new Gauge({
    name: 'sieve_ingest_paused_partitions',
    help: 'Partitions paused after a failure, waiting for their retry',
    registers: [this.registry],
  });
  readonly consumerRestarts = new Counter({
    name: 'sieve_consumer_restarts_total',
    help: 'Consumers replaced after kafkajs gave up on them (a non-retriable error)',
    registers: [this.registry],
  });
  readonly batchFailures = new Counter({
    name: 'sieve_ingest_batch_failures_total',
    help: 'Batches that failed (scorer or database) and were retried later, by cause',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'sieve_ingest_batch_size',
    help: 'Messages per Kafka batch processed',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'sieve_ingest_batch_seconds',
    help: 'Time to score, store and publish one Kafka batch',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly stageSeconds = new Histogram({
    name: 'sieve_ingest_stage_seconds',
    help: 'Time per stage of a batch: score (incl. waiting for a request slot), store, publish',
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly eventToDecisionSeconds = new Histogram({
    name: 'sieve_event_to_decision_seconds',
    help: 'From the Kafka timestamp of an event to its decision being published',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly moderationRequests = new Counter({
    name: 'sieve_moderation_requests_total',
    help: 'Moderation requests made (after client retries), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly moderationTexts = new Counter({
    name: 'sieve_moderation_texts_total',
    help: 'Texts sent in moderation requests',
    registers: [this.registry],
  });
  readonly moderationSeconds = new Histogram({
    name: 'sieve_moderation_request_seconds',
    help: 'Moderation request latency, retries included',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly scoreCache = new Counter({
    name: 'sieve_score_cache_lookups_total',
    help: 'Texts looked up in the score cache, by result (memory, database, in_flight, other_replica, claim_timed_out, repeat_in_batch, miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly mistralTokens = new Counter({
    name: 'sieve_mistral_tokens_total',
    help: 'Mistral tokens (prompt + completion), by endpoint and model',
    labelNames: ['endpoint', 'model'] as const,
    registers: [this.registry],
  });

  readonly mistralCostUsd = new Counter({
    name: 'sieve_mistral_cost_usd_total',
    help: 'Mistral cost in USD at list prices, by endpoint and model',
    labelNames: ['endpoint', 'model'] as const,
    registers: [this.registry],
  });

  readonly mistralBudgetRemaining = new Gauge({
    name: 'sieve_mistral_ratelimit_remaining',
    help: "What Mistral's x-ratelimit headers said is left this minute, by budget (requests, tokens)",
    labelNames: ['budget'] as const,
    registers: [this.registry],
  });

  readonly mistralBudgetLimit = new Gauge({
    name: 'sieve_mistral_ratelimit_limit',
    help: "Mistral's per-minute limits as its x-ratelimit headers state them, by budget",
    labelNames: ['budget'] as const,
    registers: [this.registry],
  });

  readonly scorerCircuitState = new Gauge({
    name: 'sieve_scorer_circuit_state',
    help: 'Scorer circuit breaker: 0 closed, 1 half-open, 2 open',
    registers: [this.registry],
  });

  readonly judgeCalls = new Counter({
    name: 'sieve_judge_items_total',
    help: 'Events × custom categories the judge was asked about, by outcome (judged, cached, invalid_answer, judge_failed, store_failed, budget_exhausted, rate_capped)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly judgeCostUsd = new Counter({
    name: 'sieve_judge_cost_usd_total',
    help: "The judge's cost in USD at list prices",
    registers: [this.registry],
  });
  readonly judgeExhausted = new Gauge({
    name: 'sieve_judge_exhausted',
    help: '1 while the judge budget (reason="budget") or rate cap (reason="rate") is used up: events that need judging go to human review',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly judgeWaiting = new Gauge({
    name: 'sieve_judge_waiting_events',
    help: 'Events waiting for the judge (as of the last worker pass)',
    registers: [this.registry],
  });
  readonly outboxUnsent = new Gauge({
    name: 'sieve_outbox_unsent_messages',
    help: 'Decision outbox messages committed but not yet published (as of the last relay pass)',
    registers: [this.registry],
  });
  readonly outboxOldestUnsentSeconds = new Gauge({
    name: 'sieve_outbox_oldest_unsent_seconds',
    help: 'Age of the oldest unpublished decision outbox message; 0 when there is none',
    registers: [this.registry],
  });
  readonly outboxPublished = new Counter({
    name: 'sieve_outbox_published_total',
    help: 'Decision outbox messages published by this process',
    registers: [this.registry],
  });
  readonly outboxFailures = new Counter({
    name: 'sieve_outbox_publish_failures_total',
    help: 'Relay passes that failed to publish (broker or database down) and were retried',
    registers: [this.registry],
  });

  readonly queueOpen = new Gauge({
    name: 'sieve_queue_open_flags',
    help: 'Flags waiting in each queue, claimed or not',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueOldestOpenSeconds = new Gauge({
    name: 'sieve_queue_oldest_open_seconds',
    help: 'Age of the oldest flag waiting in each queue; 0 when empty',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueSlaBreaches = new Gauge({
    name: 'sieve_queue_sla_breaches',
    help: "Flags waiting longer than their queue's SLA, per queue",
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueFirstLookP50Seconds = new Gauge({
    name: 'sieve_queue_first_look_p50_seconds',
    help: 'Median time from flag to first claim over the last hour, per queue; 0 when none',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly queueDecisionP50Seconds = new Gauge({
    name: 'sieve_queue_decision_p50_seconds',
    help: 'Median time from flag to decision over the last hour, per queue; 0 when none',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly statementsPending = new Gauge({
    name: 'sieve_statements_pending_submission',
    help: 'Final statements of reasons not yet accepted by the Transparency Database',
    registers: [this.registry],
  });
  readonly statementDrafts = new Gauge({
    name: 'sieve_statement_drafts',
    help: 'Statements of reasons still editable by reviewers (final after STATEMENT_EDIT_MINUTES)',
    registers: [this.registry],
  });
  readonly statementsSubmitted = new Counter({
    name: 'sieve_statements_submitted_total',
    help: 'Statements sent to the Transparency Database, by result (accepted, rejected, retried)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'sieve_webhook_attempts_total',
    help: 'Webhook requests sent by this process, by result (ok: a 2xx answer)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookGaveUp = new Counter({
    name: 'sieve_webhook_deliveries_gave_up_total',
    help: 'Webhook deliveries not accepted within WEBHOOK_RETRY_HOURS (they can be redelivered)',
    registers: [this.registry],
  });
  readonly webhookEndpointsDisabled = new Counter({
    name: 'sieve_webhook_endpoints_disabled_total',
    help: 'Times this process disabled a webhook endpoint after too many failures in a row',
    registers: [this.registry],
  });
  readonly webhookEndpoints = new Gauge({
    name: 'sieve_webhook_endpoints',
    help: 'Webhook endpoints by state (active, failing, disabled); alert on disabled > 0',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly webhookPending = new Gauge({
    name: 'sieve_webhook_pending_deliveries',
    help: 'Webhook deliveries queued and not yet accepted, over all endpoints',
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'sieve_http_requests_total',
    help: 'API requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpRequestSeconds = new Histogram({
    name: 'sieve_http_request_seconds',
    help: 'API response time by method and route template (server-sent event streams excluded)',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sieve_' });
  }
}
