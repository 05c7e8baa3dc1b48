import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DsaStatement, storableText } from '@sieve/moderation';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';

/** The database takes at most this many statements per call. */
export const TDB_BATCH = 100;
const TIMEOUT_MS = 30_000;
/** A claimed batch is someone's for this long (a crash mid-call frees it then). */
const LEASE_SECONDS = 120;
const MAX_BACKOFF_SECONDS = 600;

interface Claimed {
  id: string;
  puid: string;
  statement: DsaStatement;
  submit_attempts: number;
}

type Outcome =
  | { kind: 'accepted'; uuids: Map<string, string> }
  | { kind: 'partly'; duplicates: Set<string>; invalid: Map<string, string> }
  | { kind: 'retry'; error: string };

/**
 * Sends final statements to the Commission's Transparency Database (`POST /api/v1/statements`,
 * up to 100 per call), paced to TDB_REQUESTS_PER_SECOND. The database rejects a whole call when
 * one statement is invalid or its puid exists already; a duplicate puid means it was accepted
 * before (idempotency by puid), an invalid statement is marked rejected with the reason, and the
 * rest go again at once. Failures (429, 5xx, timeouts) back off per statement.
 */
@Injectable()
export class TransparencyDatabaseSubmitter {
  private readonly logger = new Logger('TransparencyDatabase');
  private lastCallAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Submits one batch if one is due; returns how many statements it settled or retried. */
  async submitNext(): Promise<number> {
    const [claimed] = (await this.db.query(
      `UPDATE statements_of_reasons SET next_submit_at = now() + make_interval(secs => $1)
       WHERE id IN (SELECT id FROM statements_of_reasons
                    WHERE submission = 'pending' AND next_submit_at <= now()
                    ORDER BY next_submit_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, puid, statement, submit_attempts`,
      [LEASE_SECONDS, TDB_BATCH],
    )) as [Claimed[], number];
    if (claimed.length === 0) return 0;
    await this.pace();
    const outcome = await this.call(claimed.map((c) => c.statement));
    if (outcome.kind === 'accepted') {
      await this.markAccepted(claimed, outcome.uuids);
    } else if (outcome.kind === 'partly') {
      const duplicates = claimed.filter((c) => outcome.duplicates.has(c.puid));
      const invalid = claimed.filter((c) => outcome.invalid.has(c.puid));
      await this.markAccepted(duplicates, new Map());
      if (invalid.length > 0) {
        await this.db.query(
          `UPDATE statements_of_reasons s SET submission = 'rejected', submit_error = r.error,
             submit_attempts = submit_attempts + 1, next_submit_at = NULL
           FROM unnest($1::uuid[], $2::text[]) AS r(id, error) WHERE s.id = r.id`,
          [invalid.map((c) => c.id), invalid.map((c) => outcome.invalid.get(c.puid) ?? '')],
        );
        this.metrics.statementsSubmitted.inc({ result: 'rejected' }, invalid.length);
        this.logger.error(
          `${invalid.length} statement(s) refused as invalid by the Transparency Database`,
        );
      }
      const rest = claimed.filter(
        (c) => !outcome.duplicates.has(c.puid) && !outcome.invalid.has(c.puid),
      );
      // The call failed only because of the others: send the rest again now.
      await this.db.query(
        `UPDATE statements_of_reasons SET next_submit_at = now() WHERE id = ANY($1::uuid[])`,
        [rest.map((c) => c.id)],
      );
    } else {
      await this.db.query(
        `UPDATE statements_of_reasons SET submit_attempts = submit_attempts + 1, submit_error = $2,
           next_submit_at = now() + make_interval(secs => least($3, 5 * power(2, submit_attempts)))
         WHERE id = ANY($1::uuid[])`,
        [claimed.map((c) => c.id), outcome.error, MAX_BACKOFF_SECONDS],
      );
      this.metrics.statementsSubmitted.inc({ result: 'retried' }, claimed.length);
      this.logger.warn(
        `Transparency Database call failed (${outcome.error}); retrying with a backoff`,
      );
    }
    return claimed.length;
  }

  private async markAccepted(rows: Claimed[], uuids: Map<string, string>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE statements_of_reasons s SET submission = 'accepted', submitted_at = now(),
         submit_error = NULL, next_submit_at = NULL, tdb_uuid = coalesce(r.uuid, s.tdb_uuid),
         submit_attempts = submit_attempts + 1
       FROM unnest($1::uuid[], $2::text[]) AS r(id, uuid) WHERE s.id = r.id`,
      [rows.map((r) => r.id), rows.map((r) => uuids.get(r.puid) ?? null)],
    );
    this.metrics.statementsSubmitted.inc({ result: 'accepted' }, rows.length);
  }

  private async call(statements: DsaStatement[]): Promise<Outcome> {
    const url = new URL('api/v1/statements', withSlash(this.config.TDB_BASE_URL ?? ''));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.config.TDB_TOKEN}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ statements }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause;
      return { kind: 'retry', error: cause?.code ?? (error as Error).message };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 201 || response.status === 200) {
      const uuids = new Map<string, string>();
      try {
        const body = JSON.parse(text) as { statements?: { puid?: string; uuid?: string }[] };
        for (const s of body.statements ?? []) if (s.puid && s.uuid) uuids.set(s.puid, s.uuid);
      } catch {
        // accepted; the ids are a nicety
      }
      return { kind: 'accepted', uuids };
    }
    if (response.status === 422) {
      const partly = parseRefusal(text, statements);
      if (partly) return partly;
    }
    return {
      kind: 'retry',
      error: `HTTP ${response.status}${text ? `: ${storableText(text, 300)}` : ''}`,
    };
  }

  private async pace(): Promise<void> {
    const gap = 1000 / this.config.TDB_REQUESTS_PER_SECOND;
    const wait = this.lastCallAt + gap - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastCallAt = Date.now();
  }
}

/**
 * A 422 names either the puids that exist already (`errors.existing_puids`) or the invalid
 * statements by position (`errors.statement_<i>`); anything else is retried as a failure.
 */
function parseRefusal(text: string, statements: DsaStatement[]): Outcome | null {
  let body: { errors?: Record<string, unknown> };
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const errors = body.errors ?? {};
  const duplicates = new Set(
    Array.isArray(errors['existing_puids']) ? (errors['existing_puids'] as string[]) : [],
  );
  const invalid = new Map<string, string>();
  for (const [key, value] of Object.entries(errors)) {
    const index = /^statement_(\d+)$/.exec(key)?.[1];
    const statement = index === undefined ? undefined : statements[Number(index)];
    if (statement) invalid.set(statement.puid, storableText(JSON.stringify(value), 1000));
  }
  if (duplicates.size === 0 && invalid.size === 0) return null;
  return { kind: 'partly', duplicates, invalid };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
