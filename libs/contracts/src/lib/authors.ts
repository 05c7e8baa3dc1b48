import type { AccountRecommendation, StrikeLevel } from '@sieve/moderation';

/** An author at `raise` or above, as last counted (`author_strikes`). */
export interface RepeatOffenderDto {
  source: string;
  authorId: string;
  strikes: number;
  level: Exclude<StrikeLevel, 'none'>;
  /** What the platform was last told to do with the account. */
  recommendation: AccountRecommendation;
  /** When the count was made. */
  countedAt: string;
  /** When the oldest strike leaves the window (the author is counted again then). */
  recountAt: string | null;
}

/**
 * GET /api/authors/repeat-offenders: how many authors are at each level, and the most struck of
 * them first, `limit` at a time (the next page: `cursor=nextCursor`).
 */
export interface RepeatOffendersDto {
  counts: Record<Exclude<StrikeLevel, 'none'>, number>;
  items: RepeatOffenderDto[];
  nextCursor: string | null;
}
