import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  EMPTY_ROUTING,
  routeFlag,
  type Route,
  type RoutingRules,
  type TriggeredCategory,
} from '@sieve/moderation';
import { DataSource } from 'typeorm';

/** How long the looked-up live rules are reused; publishing reaches every process within this. */
const LIVE_ROUTING_TTL_MS = 2_000;

export interface LiveRouting extends RoutingRules {
  version: number;
  /** Some rule looks at the author's strikes: routing needs them looked up. */
  usesStrikes: boolean;
}

export interface AuthorRef {
  source: string;
  authorId: string;
}

/** A new flag as routing sees it. */
export interface FlagToRoute extends AuthorRef {
  eventId: string;
  lang: string | null;
  triggered: TriggeredCategory[];
  automatic: boolean;
}

/**
 * The live routing rules on the hot path (ingest and rescore), looked up at most every
 * LIVE_ROUTING_TTL_MS per process, and the routing of a batch: one strikes lookup for the
 * batch, only when a rule needs it, then the pure evaluation per flag.
 */
@Injectable()
export class RoutingProvider {
  private cached: { routing: LiveRouting; at: number } | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async live(): Promise<LiveRouting> {
    if (this.cached && Date.now() - this.cached.at < LIVE_ROUTING_TTL_MS)
      return this.cached.routing;
    const [row]: {
      version: number;
      rules: RoutingRules['rules'];
      qa_shares: RoutingRules['qaShares'];
    }[] = await this.db.query(
      `SELECT version, rules, qa_shares FROM routing_versions ORDER BY version DESC LIMIT 1`,
    );
    const routing: LiveRouting = row
      ? {
          version: row.version,
          rules: row.rules,
          qaShares: row.qa_shares,
          usesStrikes: row.rules.some((r) => r.when.minStrikes !== undefined),
        }
      : { version: 0, ...EMPTY_ROUTING, usesStrikes: false };
    this.cached = { routing, at: Date.now() };
    return routing;
  }

  /** After this process published new rules. */
  invalidate(): void {
    this.cached = null;
  }

  async route(
    flags: FlagToRoute[],
    routing?: RoutingRules & { usesStrikes: boolean },
  ): Promise<Route[]> {
    if (flags.length === 0) return [];
    return flags.map(await this.router(flags, routing));
  }

  /**
   * Routing for a batch whose authors are known: the live rules (or `routing`) and, when a rule
   * needs them, these authors' strikes in one lookup. Ingest asks for it while the batch is
   * being scored, so the lookup adds no wait.
   */
  async router(
    authors: AuthorRef[],
    routing?: RoutingRules & { usesStrikes: boolean },
  ): Promise<(flag: FlagToRoute) => Route> {
    const rules = routing ?? (await this.live());
    const strikes =
      rules.usesStrikes && authors.length > 0
        ? await this.strikesOf(authors)
        : new Map<string, number>();
    return (f) =>
      routeFlag(rules, {
        triggered: f.triggered,
        source: f.source,
        lang: f.lang,
        strikes: strikes.get(authorKey(f)) ?? 0,
        automatic: f.automatic,
        sampleKey: authorKey({ source: f.source, authorId: f.eventId }),
      });
  }

  private async strikesOf(authors: AuthorRef[]): Promise<Map<string, number>> {
    const distinct = [...new Map(authors.map((a) => [authorKey(a), a])).values()];
    const rows: { source: string; author_id: string; strikes: number }[] = await this.db.query(
      `SELECT s.source, s.author_id, s.strikes
       FROM author_strikes s JOIN unnest($1::text[], $2::text[]) AS k(source, author_id)
         ON s.source = k.source AND s.author_id = k.author_id`,
      [distinct.map((a) => a.source), distinct.map((a) => a.authorId)],
    );
    return new Map(
      rows.map((r) => [authorKey({ source: r.source, authorId: r.author_id }), r.strikes]),
    );
  }
}

const authorKey = (k: AuthorRef) => `${k.source.length}:${k.source}${k.authorId}`;
