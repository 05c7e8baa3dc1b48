import {
  CATEGORY_SETS,
  DEFAULT_STRIKE_RULES,
  DSA_COUNTRIES,
  DSA_DECISION_VISIBILITIES,
  QUEUE_ID_PATTERN,
  type StrikeRules,
} from '@sieve/moderation';
import { z } from 'zod';
import { ROLES } from '@sieve/contracts';
import { SECRETS_KEY_PATTERN } from '../secrets/secret-box';

const reviewReasonsSchema = z.object({
  approve: z.array(z.string().min(1).max(100)).min(1),
  remove: z.array(z.string().min(1).max(100)).min(1),
  escalate: z.array(z.string().min(1).max(100)).min(1),
});

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const strikeRulesSchema = z
  .object({
    windowDays: z.number().int().min(1).max(3650),
    automaticFactor: z.number().min(0).max(10),
    defaultWeight: z.number().min(0).max(100),
    categoryWeights: z.record(z.string(), z.number().min(0).max(100)),
    thresholds: z
      .object({
        raise: z.number().positive(),
        restrict: z.number().positive(),
        suspend: z.number().positive(),
      })
      .partial(),
  })
  .partial()
  .strict();

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** A comma-separated list, items trimmed, empty ones dropped. */
const commaList = (normalize: (item: string) => string = (item) => item) =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((item) => normalize(item.trim()))
      .filter(Boolean),
  );

/** Comma-separated roles, none by default. */
const roleList = () =>
  commaList()
    .refine((roles) => roles.every((r) => (ROLES as readonly string[]).includes(r)), {
      message: `must be comma-separated roles from: ${ROLES.join(', ')}`,
    })
    .default([]);

/** An origin a browser will use security keys on: https, or http on localhost; a name, not an IP. */
function isWebAuthnOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.origin !== value) return false;
  if (/^[\d.]+$|^\[/.test(url.hostname)) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
}

/** Every setting Sieve's api reads, validated once at boot. Nothing else reads process.env. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(1, 65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** pino levels; Nest's `log` and `verbose` are accepted as info and trace. */
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'log', 'debug', 'trace', 'verbose', 'silent'])
    .default('info')
    .transform((level) => (level === 'log' ? 'info' : level === 'verbose' ? 'trace' : level)),

  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL'),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  DATABASE_MIGRATIONS_RUN: bool.default(true),

  KAFKA_BROKERS: z
    .string()
    .min(1)
    .pipe(commaList())
    .refine((list) => list.every((b) => /^[^:\s]+:\d+$/.test(b)), 'must be host:port[,host:port…]'),
  /** TLS to the brokers (every managed Kafka). The files are PEM; the CA only when it is private. */
  KAFKA_SSL: bool.default(false),
  KAFKA_SSL_CA_FILE: z.string().optional(),
  /** A client certificate and key, for brokers that authenticate clients by mTLS. */
  KAFKA_SSL_CERT_FILE: z.string().optional(),
  KAFKA_SSL_KEY_FILE: z.string().optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: bool.default(true),
  /** SASL authentication; the password is never logged. */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_CLIENT_ID: z.string().default('sieve-api'),
  KAFKA_GROUP_ID: z.string().default('sieve-ingest'),
  KAFKA_CONTENT_TOPIC: z.string().default('content.events'),
  KAFKA_DECISIONS_TOPIC: z.string().default('moderation.decisions'),
  KAFKA_DLQ_TOPIC: z.string().default('content.events.dlq'),
  /** Appeals from the platform (also accepted over HTTP); refused ones go to KAFKA_DLQ_TOPIC. */
  KAFKA_APPEALS_TOPIC: z.string().default('moderation.appeals'),
  /** How long the group waits for a silent member (e.g. a killed process) before reassigning its partitions. */
  KAFKA_SESSION_TIMEOUT_MS: int(6000, 300_000).default(30_000),
  /** The longest a fetch waits on the broker for new events (Kafka's fetch.max.wait.ms). */
  KAFKA_FETCH_MAX_WAIT_MS: int(10, 30_000).default(500),
  /**
   * On shutdown, how long each consumer waits to commit and leave its group, and the producer to
   * flush (milliseconds against a live broker; kafkajs retries a gone one for many seconds).
   */
  KAFKA_STOP_TIMEOUT_MS: int(100, 60_000).default(5000),
  INGEST_ENABLED: bool.default(true),
  /**
   * Run the periodic jobs in this process: the histogram and flag-count rollups, score-cache
   * pruning, strike recounts, resuming interrupted erasures, queue counts and gauges, day
   * partitions ahead and scheduled retention (each replica tries; the work is shared or locked).
   * `false` leaves them to other replicas; the one-off commands (`--retention`, `--rescore`) run
   * without them.
   */
  BACKGROUND_JOBS_ENABLED: bool.default(true),
  /** Publish the decision outbox (reviewer, undo, bulk, rescore decisions) from this process. */
  OUTBOX_RELAY_ENABLED: bool.default(true),
  /** The relay is woken by NOTIFY as soon as a decision commits, and also polls this often. */
  OUTBOX_POLL_MS: int(50, 600_000).default(1000),
  /** Sent outbox messages are kept this long (for looking into a platform's question), then pruned. */
  OUTBOX_RETENTION_HOURS: int(1, 24 * 365).default(24 * 7),
  /** Deliver webhooks from this process (every replica shares the work, one per endpoint at a time). */
  WEBHOOKS_ENABLED: bool.default(true),
  /** A webhook request that has not answered by then has failed. */
  WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(5000),
  /** Requests in flight per endpoint while it is healthy (a failing endpoint gets one probe). */
  WEBHOOK_CONCURRENCY: int(1, 64).default(8),
  /** A failing endpoint is retried with a backoff doubling from 5 s up to this. */
  WEBHOOK_MAX_BACKOFF_MS: int(1000, 3_600_000).default(600_000),
  /**
   * A message the receiver refuses while it accepts others (one got through in the last
   * minute) is retried on its own backoff, doubling from 5 s up to this: hourly by default, so
   * a day's retries are ~30, not ~150. Otherwise WEBHOOK_MAX_BACKOFF_MS applies.
   */
  WEBHOOK_MESSAGE_MAX_BACKOFF_MS: int(1000, 86_400_000).default(3_600_000),
  /** A delivery not accepted within this many hours gives up (it can be redelivered by hand). */
  WEBHOOK_RETRY_HOURS: int(1, 24 * 30).default(24),
  /** An endpoint is disabled after this many failed attempts in a row, and says so everywhere. */
  WEBHOOK_DISABLE_AFTER_FAILURES: int(1, 100_000).default(50),
  /** The delivery worker is woken by each commit that queues one, and also polls this often. */
  WEBHOOK_POLL_MS: int(50, 600_000).default(1000),
  /** Delivered and given-up deliveries stay in the log this long. */
  WEBHOOK_LOG_RETENTION_HOURS: int(1, 24 * 365).default(24 * 7),
  INGEST_MAX_TEXT_BYTES: int(1, 1024 * 1024).default(32 * 1024),
  /** Partitions one process works on at once (kafkajs partitionsConsumedConcurrently). */
  INGEST_PARTITION_CONCURRENCY: int(1, 64).default(4),
  /** Events being scored and stored at once per process; fetching waits above this. */
  INGEST_MAX_PENDING_EVENTS: int(100, 1_000_000).default(8_000),
  /** A partition whose batch fails (Mistral or Postgres down) is paused, then retried after a backoff growing up to this. */
  INGEST_MAX_BACKOFF_MS: int(100, 600_000).default(30_000),

  MISTRAL_API_KEY: z.string().min(1).optional(),
  MISTRAL_BASE_URL: z.url().default('https://api.mistral.ai'),
  MISTRAL_MODERATION_MODEL: z.string().default('mistral-moderation-2603'),
  MISTRAL_TIMEOUT_MS: int(100, 600_000).default(30_000),
  /** Texts per moderation request (texts from all partitions are packed together). */
  MISTRAL_MODERATION_BATCH_SIZE: int(1, 512).default(128),
  /** Estimated tokens per moderation request. */
  MISTRAL_MODERATION_MAX_TOKENS: int(256, 1_000_000).default(16_000),
  /** Moderation requests in flight per process. */
  MISTRAL_MODERATION_CONCURRENCY: int(1, 256).default(16),
  /** The longest a partly filled moderation request waits for more texts while others are on their way. */
  MISTRAL_MODERATION_LINGER_MS: int(0, 1000).default(100),
  /** Client-side budgets matching your Mistral workspace limits; unset: only 429s slow us down. */
  MISTRAL_REQUESTS_PER_SECOND: int(1, 100_000).optional(),
  MISTRAL_TOKENS_PER_MINUTE: int(1000, 1_000_000_000).optional(),
  /** `--rescore` scores texts through Mistral's Batch API (slower to finish, cheaper) instead of online requests. */
  RESCORE_VIA_BATCH_API: bool.default(false),
  /** How often a Batch API job's status is polled. */
  MISTRAL_BATCH_POLL_MS: int(100, 600_000).default(10_000),
  /** Identical texts are scored once: scores are kept per model in Postgres for this long. */
  SCORE_CACHE_MAX_AGE_HOURS: int(1, 24 * 365).default(24 * 30),
  /** And the most recent ones in memory too. */
  SCORE_CACHE_MEMORY_ENTRIES: int(0, 10_000_000).default(20_000),
  /**
   * Several api replicas: a text being scored by one is claimed in Postgres, and the others wait
   * for its score instead of scoring it again (fewer calls, a round trip more per batch).
   */
  SCORE_SHARED_CLAIMS: bool.default(false),
  /**
   * How long a replica waits for another's score before scoring the text itself, and how long a
   * claim lasts: longer than a holder takes to score and store under load (p99 at 5,000/s with
   * two replicas here: 6–8 s), or waiters score the text again themselves.
   */
  SCORE_CLAIM_WAIT_MS: int(100, 60_000).default(10_000),
  /** A JSON pricing table ({asOf, currency: "USD", prices}) replacing Mistral's published prices. */
  MISTRAL_PRICING_FILE: z.string().optional(),
  /** The chat model that explains flags to reviewers. */
  MISTRAL_CHAT_MODEL: z.string().default('mistral-small-latest'),
  /** Model calls (explain, ask again, follow-up) one person may make in any 24 hours… */
  EXPLAIN_REQUESTS_PER_USER_PER_DAY: int(1, 100_000).default(200),
  /** …and the model tokens they may spend in that time. */
  EXPLAIN_TOKENS_PER_USER_PER_DAY: int(1000, 100_000_000).default(500_000),
  /** Follow-up questions in one conversation; then ask again for a fresh explanation. */
  EXPLAIN_MAX_FOLLOW_UPS: int(0, 100).default(10),
  /** The longest answer the chat model may write (max_tokens); longer ones are refused, not cut. */
  EXPLAIN_MAX_OUTPUT_TOKENS: int(100, 32_000).default(1500),

  /** The chat model that judges events against custom categories (the cascade's second stage). */
  JUDGE_MODEL: z.string().default('mistral-small-latest'),
  /** The judge's spend per UTC day, in USD; past it, events that needed judging go to review. */
  JUDGE_DAILY_BUDGET_USD: z.coerce.number().min(0).max(1_000_000).default(20),
  /** Judge calls per minute per api process; past it, events that needed judging go to review. */
  JUDGE_MAX_CALLS_PER_MINUTE: int(1, 1_000_000).default(600),
  /** Judge calls in flight per api process (within the Mistral client's rate limiter). */
  JUDGE_CONCURRENCY: int(1, 256).default(8),
  /** Whether this process works through events waiting for the judge (every replica can). */
  JUDGE_WORKER_ENABLED: bool.default(true),
  /** Items an evaluation judges at most (reviewer decisions, newest first, plus the examples). */
  JUDGE_EVALUATION_MAX_ITEMS: int(10, 5000).default(200),

  SESSION_IDLE_MINUTES: int(1, 7 * 24 * 60).default(120),
  /** The idle timeout for policy admins and admins (ASVS L2: at most 30 minutes). */
  SESSION_IDLE_MINUTES_PRIVILEGED: int(1, 7 * 24 * 60).default(30),
  SESSION_MAX_HOURS: int(1, 24 * 30).default(12),
  /**
   * Roles whose members must set up a second factor (an authenticator app) before anything else,
   * comma-separated, e.g. `admin,policy_admin`. Anyone may set one up; none is required by default.
   */
  SECOND_FACTOR_REQUIRED_ROLES: roleList(),
  /**
   * Roles whose members sign in with a security key or passkey (WebAuthn, which a look-alike
   * site cannot relay), comma-separated: they must add one (after the authenticator app), an
   * app code no longer signs them in once they have, and their last key cannot be removed.
   * A recovery code still does (the way back when every key is lost). Implies
   * SECOND_FACTOR_REQUIRED_ROLES for them; needs WEBAUTHN_ORIGINS.
   */
  SECURITY_KEY_REQUIRED_ROLES: roleList(),
  /**
   * The key that seals secrets Sieve must read back (TOTP secrets, webhook signing secrets) in
   * the database: 32 random bytes in base64 (`openssl rand -base64 32`). Without it they are
   * stored as they are. Keys being rotated out go in SECRETS_PREVIOUS_KEYS (comma-separated)
   * until the api has resealed everything with the new one at start.
   */
  SECRETS_KEY: z
    .string()
    .regex(SECRETS_KEY_PATTERN, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  SECRETS_PREVIOUS_KEYS: commaList()
    .refine((keys) => keys.every((k) => SECRETS_KEY_PATTERN.test(k)), {
      message: 'must be comma-separated keys, each 32 bytes in base64',
    })
    .default([]),
  /**
   * Where the dashboard is served, comma-separated origins (`https://sieve.example.com`):
   * security keys and passkeys (WebAuthn) are bound to it, and cannot be added without it.
   * Browsers allow them over https, or http on localhost, and never on an IP address.
   */
  WEBAUTHN_ORIGINS: commaList((origin) => origin.replace(/\/+$/, ''))
    .refine((origins) => origins.every(isWebAuthnOrigin), {
      message:
        'must be comma-separated origins such as https://sieve.example.com (https, or http://localhost:PORT; no path, no IP address)',
    })
    .default([]),
  /** The domain keys are bound to; by default the first origin's host name. */
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'must be a domain name such as example.com')
    .optional(),
  /** Live streams (the queue's server-sent events) one person may hold open per api process. */
  LIVE_STREAMS_PER_USER: int(1, 100).default(6),
  /** How often an open live stream checks its session is still valid (logout here ends it at once). */
  LIVE_STREAM_RECHECK_SECONDS: int(1, 600).default(15),
  /** Secure cookies; on by default in production. */
  COOKIE_SECURE: bool.optional(),
  /** Behind a reverse proxy (nginx in docker-compose): take the client IP from X-Forwarded-For. */
  TRUST_PROXY: bool.default(false),
  /**
   * How long an idle keep-alive connection stays open. Above a load balancer's idle timeout
   * (60 s on most), or the balancer reuses a connection the api has just closed: a 502.
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1000, 3_600_000).default(65_000),
  /** Requests one client address may make to one route per minute, per api process; 0 turns it off. */
  RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(1200),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 10_000).default(20),
  LOGIN_LOCK_MINUTES: int(1, 24 * 60).default(15),
  /** Creates this admin on start when no admin exists yet. */
  SIEVE_ADMIN_EMAIL: z.email().optional(),
  SIEVE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** `npm start` sets it: seeds one demo user per role with published passwords. Never in production. */
  SIEVE_DEMO_USERS: bool.default(false),
  REQUEST_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'must look like 100kb or 1mb')
    .default('256kb'),

  /** API tokens created without an expiry expire after this many days… */
  API_TOKEN_DEFAULT_DAYS: int(1, 3650).default(90),
  /** …and none may be created to live longer than this. */
  API_TOKEN_MAX_DAYS: int(1, 3650).default(365),

  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** GET /metrics without a token: allowed by default, except in production (where only a scraper should reach it). */
  METRICS_PUBLIC: bool.optional(),
  /** The OpenAPI viewer at /api/docs: on by default, except in production (docs/openapi.json has the same). */
  API_DOCS_ENABLED: bool.optional(),

  /**
   * Scores reach backtest histograms this long after they are stored. Every api query is cut off
   * at half of it (statement_timeout), so no stored row can be older than this when it commits;
   * migrations, the background rollups, retention and the pgvector index build lift it for their
   * own work.
   */
  BACKTEST_SETTLE_SECONDS: int(2, 3600).default(60),

  /**
   * Data that ages out (docs/retention.md), in days per kind: allowed events' text and scores,
   * flags with their decisions (and the events under them), explanations, the score histograms
   * backtests read (kept longer than the events), the audit log (longest).
   */
  RETENTION_ALLOWED_DAYS: int(1, 36_500).default(30),
  RETENTION_DECISIONS_DAYS: int(1, 36_500).default(730),
  RETENTION_EXPLANATIONS_DAYS: int(1, 36_500).default(365),
  RETENTION_HISTOGRAMS_DAYS: int(1, 36_500).default(1095),
  RETENTION_AUDIT_DAYS: int(1, 36_500).default(2555),
  /** Enforce retention on a schedule (one replica at a time); `npm run retention` runs it by hand. */
  RETENTION_ENABLED: bool.default(true),
  RETENTION_RUN_EVERY_MINUTES: int(1, 7 * 24 * 60).default(60),

  /**
   * Waves (docs/waves.md): flagged texts are embedded with WAVE_EMBEDDING_MODEL (with a Mistral
   * key; an offline hashed n-gram method without one) and open flags at cosine ≥ WAVE_SIMILARITY
   * (or with the same normalized text) are grouped, among flags of the last WAVE_WINDOW_MINUTES.
   * A wave growing by WAVE_CAMPAIGN_PER_MINUTE members a minute, or spanning WAVE_CAMPAIGN_AUTHORS
   * authors, is raised as a campaign. Precedent: WAVE_PRECEDENT_MIN decided posts at cosine ≥
   * WAVE_PRECEDENT_SIMILARITY, all decided the same way.
   */
  WAVES_ENABLED: bool.default(true),
  WAVE_EMBEDDING_MODEL: z.string().default('mistral-embed'),
  /**
   * Search by meaning: `auto` uses pgvector's HNSW index where the server has the extension
   * (building it in the background), the exact in-memory search otherwise; `pgvector` refuses to
   * start without the extension; `exact` never uses it.
   */
  VECTOR_SEARCH: z.enum(['auto', 'exact', 'pgvector']).default('auto'),
  /** Unset: 0.55 for the offline vectors (measured), 0.85 for mistral-embed (docs/waves.md). */
  WAVE_SIMILARITY: z.coerce.number().min(0.1).max(1).optional(),
  WAVE_WINDOW_MINUTES: int(1, 7 * 24 * 60).default(24 * 60),
  /** The most open flags the grouping holds in memory (the most recent); older ones join no wave. */
  WAVE_GROUPING_LIMIT: int(100, 10_000_000).default(50_000),
  /** With a backlog, the grouping works this share of the time (the pipeline comes first). */
  WAVE_GROUPING_DUTY: z.coerce.number().min(0.05).max(1).default(0.5),
  /** Waves wait while this replica's consumer is this many events behind (the pipeline first). */
  WAVE_YIELD_BACKLOG: int(0, 100_000_000).default(1_000),
  WAVE_CAMPAIGN_PER_MINUTE: z.coerce.number().min(0.1).max(1_000_000).default(5),
  WAVE_CAMPAIGN_AUTHORS: int(2, 1_000_000).default(10),
  /** A queue's id: a raised wave's open members (and those that join it later) move there. */
  WAVE_CAMPAIGN_QUEUE: z.string().regex(QUEUE_ID_PATTERN, 'must be a queue id').optional(),
  WAVE_PRECEDENT_MIN: int(1, 1000).default(3),
  WAVE_PRECEDENT_SIMILARITY: z.coerce.number().min(0.1).max(1).default(0.8),
  /**
   * When the live policy decides by precedent: the most recently decided posts (by people) that
   * new flags are compared with, held in memory (about 1 KB each with mistral-embed).
   */
  WAVE_PRECEDENT_LIMIT: int(100, 10_000_000).default(20_000),

  /** Publishing a policy that changes flag volume by more than this (in %) asks a second time. */
  POLICY_CONFIRM_CHANGE_PERCENT: int(1, 100_000).default(50),
  /**
   * Flags waiting longer than this stand out where several queues are shown together; each
   * queue has its own target.
   */
  QUEUE_SLA_MINUTES: int(1, 30 * 24 * 60).default(60),
  /** How long opening a flag holds it for the reviewer. */
  CLAIM_LEASE_SECONDS: int(30, 24 * 3600).default(300),
  /** How long after deciding a reviewer can take it back. */
  UNDO_WINDOW_SECONDS: int(0, 3600).default(60),
  /** JSON {"approve": [...], "remove": [...], "escalate": [...]}: the reasons reviewers pick from. */
  REVIEW_REASONS: z
    .string()
    .transform((text, ctx) => {
      try {
        return reviewReasonsSchema.parse(JSON.parse(text));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be JSON: {"approve":[…],"remove":[…],"escalate":[…]} with non-empty lists',
        });
        return z.NEVER;
      }
    })
    .optional(),

  /** Build statements of reasons for restricting decisions (and notices to authors) in this process. */
  STATEMENTS_ENABLED: bool.default(true),
  /**
   * The statement of an automatic block is built once the block is this old: ingest commits a
   * moment after stamping the flag, and the builder's watermark must not pass a row in flight.
   */
  STATEMENTS_SETTLE_SECONDS: int(0, 3600).default(10),
  /** A reviewer's statement stays an editable draft this long, then becomes final and is sent. */
  STATEMENT_EDIT_MINUTES: int(0, 24 * 60).default(10),
  /** The terms-of-service clause statements rely on (incompatible_content_ground). */
  DSA_TERMS_GROUND: z.string().min(1).max(500).default('The platform terms of service'),
  DSA_TERMS_URL: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  /** What a removal does to the post, in the database's terms. */
  DSA_VISIBILITY: z.enum(DSA_DECISION_VISIBILITIES).default('DECISION_VISIBILITY_CONTENT_REMOVED'),
  /** Countries the decisions apply in (territorial_scope): comma-separated; every EU/EEA country by default. */
  DSA_TERRITORIAL_SCOPE: commaList((c) => c.toUpperCase())
    .refine((codes) => codes.every((c) => (DSA_COUNTRIES as readonly string[]).includes(c)), {
      message: `must be comma-separated codes from: ${DSA_COUNTRIES.join(', ')}`,
    })
    .default([...DSA_COUNTRIES]),
  /** JSON mapping Sieve categories to the database's: {"pii": {"category": "STATEMENT_CATEGORY_…", …}}. */
  DSA_CATEGORY_MAP_FILE: z.string().optional(),
  /** How to appeal, as the notice to the author says it. */
  DSA_APPEAL_INSTRUCTIONS: z
    .string()
    .min(1)
    .max(1000)
    .default('You can appeal this decision where you posted, within six months.'),
  /** The Transparency Database's base URL; statements are submitted only when set (with TDB_TOKEN). */
  TDB_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Its API token; never logged. */
  TDB_TOKEN: z.string().min(1).optional(),
  /** Calls per second to the database (its published limit is 200/s and 12,000/min per platform). */
  TDB_REQUESTS_PER_SECOND: int(1, 200).default(5),

  /**
   * Repeat offenders, as JSON over the defaults: {"windowDays": 90, "automaticFactor": 0.5,
   * "defaultWeight": 1, "categoryWeights": {"pii": 1}, "thresholds": {"raise": 2, "restrict": 4, "suspend": 8}}.
   */
  STRIKE_RULES: z
    .string()
    .transform((text, ctx): StrikeRules => {
      try {
        const parsed = strikeRulesSchema.parse(JSON.parse(text));
        return {
          ...DEFAULT_STRIKE_RULES,
          ...parsed,
          categoryWeights: { ...DEFAULT_STRIKE_RULES.categoryWeights, ...parsed.categoryWeights },
          thresholds: { ...DEFAULT_STRIKE_RULES.thresholds, ...parsed.thresholds },
        };
      } catch {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be JSON like {"windowDays": 90, "categoryWeights": {"pii": 1}, "thresholds": {"raise": 2, "restrict": 4, "suspend": 8}}',
        });
        return z.NEVER;
      }
    })
    .default(DEFAULT_STRIKE_RULES),

  CATEGORY_SET: z
    .string()
    .default('mistral-moderation-2603')
    .refine(
      (id) => id in CATEGORY_SETS,
      `must be one of: ${Object.keys(CATEGORY_SETS).join(', ')}`,
    ),
});

const refinedSchema = configSchema
  .refine((c) => !(c.SIEVE_DEMO_USERS && c.NODE_ENV === 'production'), {
    message: 'demo users with published passwords are refused when NODE_ENV=production',
    path: ['SIEVE_DEMO_USERS'],
  })
  .refine((c) => !c.TDB_BASE_URL === !c.TDB_TOKEN, {
    message: 'set TDB_BASE_URL and TDB_TOKEN together',
    path: ['TDB_TOKEN'],
  })
  .refine((c) => !c.SIEVE_ADMIN_EMAIL === !c.SIEVE_ADMIN_PASSWORD, {
    message: 'set SIEVE_ADMIN_EMAIL and SIEVE_ADMIN_PASSWORD together',
    path: ['SIEVE_ADMIN_PASSWORD'],
  })
  .refine((c) => !c.KAFKA_SASL_MECHANISM === !(c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD), {
    message:
      'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and they need it',
    path: ['KAFKA_SASL_MECHANISM'],
  })
  .refine(
    (c) => c.KAFKA_SSL || !(c.KAFKA_SSL_CA_FILE || c.KAFKA_SSL_CERT_FILE || c.KAFKA_SSL_KEY_FILE),
    { message: 'certificate files are only used with KAFKA_SSL=true', path: ['KAFKA_SSL'] },
  )
  .refine((c) => !c.KAFKA_SSL_CERT_FILE === !c.KAFKA_SSL_KEY_FILE, {
    message: 'set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE together',
    path: ['KAFKA_SSL_KEY_FILE'],
  })
  .refine(
    (c) => !(c.NODE_ENV === 'production' && c.KAFKA_SASL_MECHANISM === 'plain' && !c.KAFKA_SSL),
    {
      message: 'SASL PLAIN sends the password in clear: set KAFKA_SSL=true in production',
      path: ['KAFKA_SASL_MECHANISM'],
    },
  )
  .refine((c) => c.SECRETS_KEY || c.SECRETS_PREVIOUS_KEYS.length === 0, {
    message: 'previous keys are only read with a current SECRETS_KEY to reseal with',
    path: ['SECRETS_PREVIOUS_KEYS'],
  })
  .refine(
    (c) => {
      // No origins, or ones WEBAUTHN_ORIGINS itself refuses: nothing to say here.
      if (c.WEBAUTHN_ORIGINS.length === 0 || !c.WEBAUTHN_ORIGINS.every(isWebAuthnOrigin))
        return true;
      const rpId = c.WEBAUTHN_RP_ID ?? new URL(c.WEBAUTHN_ORIGINS[0]).hostname;
      return c.WEBAUTHN_ORIGINS.every((o) => {
        const host = new URL(o).hostname;
        return host === rpId || host.endsWith(`.${rpId}`);
      });
    },
    {
      message:
        "must be each WEBAUTHN_ORIGINS host name or a domain it is under (browsers' rule); by default it is the first origin's",
      path: ['WEBAUTHN_RP_ID'],
    },
  )
  .refine((c) => c.SECURITY_KEY_REQUIRED_ROLES.length === 0 || c.WEBAUTHN_ORIGINS.length > 0, {
    message: 'needs WEBAUTHN_ORIGINS (where the dashboard is served): keys are made for a site',
    path: ['SECURITY_KEY_REQUIRED_ROLES'],
  })
  .refine((c) => c.API_TOKEN_DEFAULT_DAYS <= c.API_TOKEN_MAX_DAYS, {
    message: 'must not exceed API_TOKEN_MAX_DAYS',
    path: ['API_TOKEN_DEFAULT_DAYS'],
  })
  // Backtests read the histograms over ranges whose events may still be listed.
  .refine((c) => c.RETENTION_HISTOGRAMS_DAYS >= c.RETENTION_ALLOWED_DAYS, {
    message: 'must be at least RETENTION_ALLOWED_DAYS (backtests read the histograms)',
    path: ['RETENTION_HISTOGRAMS_DAYS'],
  })
  .refine((c) => c.RETENTION_AUDIT_DAYS >= c.RETENTION_DECISIONS_DAYS, {
    message: 'must be at least RETENTION_DECISIONS_DAYS (the audit log outlives what it records)',
    path: ['RETENTION_AUDIT_DAYS'],
  })
  // A role that signs in with a key needs the app first (keys are added beside it).
  .transform((c) => ({
    ...c,
    SECOND_FACTOR_REQUIRED_ROLES: [
      ...new Set([...c.SECOND_FACTOR_REQUIRED_ROLES, ...c.SECURITY_KEY_REQUIRED_ROLES]),
    ],
  }));

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; the error lists every bad variable at once, never their values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = refinedSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
