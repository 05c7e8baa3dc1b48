import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ExplanationRequest } from './entities/explanation-request.entity';

/**
 * Each person's model calls for explanations over the last 24 hours: a request count and a token
 * budget (EXPLAIN_REQUESTS_PER_USER_PER_DAY, EXPLAIN_TOKENS_PER_USER_PER_DAY). Reserving takes a
 * per-person advisory lock, so parallel requests cannot all slip under the limit.
 */
@Injectable()
export class ExplanationBudget {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts a model call before it is made; throws 429 when the person's day is used up. */
  async reserve(userId: string, flagId: string, kind: ExplanationRequest['kind']): Promise<string> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 21))`, [userId]);
      // A day's rows are all the budget needs (the audit log keeps the history).
      await tx.query(
        `DELETE FROM explanation_requests WHERE user_id = $1 AND requested_at <= now() - interval '1 day'`,
        [userId],
      );
      const [used]: { requests: number; tokens: number; oldest: Date | null }[] = await tx.query(
        `SELECT count(*)::int AS requests, COALESCE(sum(tokens), 0)::int AS tokens,
                min(requested_at) AS oldest
           FROM explanation_requests
          WHERE user_id = $1`,
        [userId],
      );
      const limit =
        used.requests >= this.config.EXPLAIN_REQUESTS_PER_USER_PER_DAY
          ? `${this.config.EXPLAIN_REQUESTS_PER_USER_PER_DAY} explanation requests`
          : used.tokens >= this.config.EXPLAIN_TOKENS_PER_USER_PER_DAY
            ? `${this.config.EXPLAIN_TOKENS_PER_USER_PER_DAY} model tokens`
            : null;
      if (limit) {
        const retryAfterSeconds = used.oldest
          ? Math.max(1, Math.ceil((used.oldest.getTime() + 86_400_000 - Date.now()) / 1000))
          : 60;
        throw new HttpException(
          {
            message: `You have used your ${limit} for the last 24 hours. Decide from the post and the scores, or ask again later.`,
            details: { limit, retryAfterSeconds },
          },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      const saved = await tx.save(tx.create(ExplanationRequest, { userId, flagId, kind }));
      return saved.id;
    });
  }

  /** Records what a finished call cost (a failed one still counts as a request). */
  async settle(requestId: string, tokens: number): Promise<void> {
    await this.db.getRepository(ExplanationRequest).update({ id: requestId }, { tokens });
  }
}
