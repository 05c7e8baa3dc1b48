import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UsageRecord } from '@sieve/mistral';
import { DataSource } from 'typeorm';

const FLUSH_EVERY_MS = 10_000;
const MINUTE_MS = 60_000;

interface Pending {
  minute: number;
  endpoint: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * Keeps libs/mistral's usage records in Postgres, per minute, endpoint and model. Records are
 * summed in memory and added to the table every 10 s (and at shutdown), so calls cost no query.
 */
@Injectable()
export class MistralUsageStore implements BeforeApplicationShutdown {
  private readonly logger = new Logger('MistralUsage');
  private pending = new Map<string, Pending>();
  private readonly timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  add(record: UsageRecord): void {
    this.merge({
      minute: Math.floor(record.at / MINUTE_MS) * MINUTE_MS,
      endpoint: record.endpoint,
      model: record.model,
      requests: 1,
      promptTokens: record.promptTokens,
      completionTokens: record.completionTokens,
      costUsd: record.costUsd,
    });
  }

  private merge(usage: Pending): void {
    const key = `${usage.minute}|${usage.endpoint}|${usage.model}`;
    const entry = this.pending.get(key);
    if (!entry) {
      this.pending.set(key, { ...usage });
      return;
    }
    entry.requests += usage.requests;
    entry.promptTokens += usage.promptTokens;
    entry.completionTokens += usage.completionTokens;
    entry.costUsd += usage.costUsd;
  }

  /** Adds what was recorded since the last flush; kept for the next one if Postgres fails. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.db.query(
        `INSERT INTO mistral_usage AS u (minute, endpoint, model, requests, prompt_tokens, completion_tokens, cost_usd)
         SELECT to_timestamp(m / 1000.0), e, mo, r, p, c, cost
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::numeric[])
           AS x(m, e, mo, r, p, c, cost)
         ON CONFLICT (minute, endpoint, model) DO UPDATE SET
           requests = u.requests + EXCLUDED.requests,
           prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
           completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens,
           cost_usd = u.cost_usd + EXCLUDED.cost_usd`,
        [
          batch.map((b) => b.minute),
          batch.map((b) => b.endpoint),
          batch.map((b) => b.model),
          batch.map((b) => b.requests),
          batch.map((b) => b.promptTokens),
          batch.map((b) => b.completionTokens),
          batch.map((b) => b.costUsd),
        ],
      );
    } catch (error) {
      this.logger.warn(`could not store Mistral usage, retrying: ${(error as Error).message}`);
      for (const usage of batch) this.merge(usage);
    }
  }

  /** Before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
