import { costOf, DEFAULT_PRICING, type PricingTable } from './pricing';

export interface UsageRecord {
  at: number;
  endpoint: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Priced when recorded, so a later price change does not rewrite history. */
  costUsd: number;
}

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface UsageSummary extends UsageTotals {
  from: number;
  to: number;
  byModel: Record<string, UsageTotals>;
  /** Keyed by UTC day, `YYYY-MM-DD`. */
  byDay: Record<string, UsageTotals>;
}

const empty = (): UsageTotals => ({
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costUsd: 0,
});

function add(totals: UsageTotals, r: UsageRecord): void {
  totals.requests++;
  totals.promptTokens += r.promptTokens;
  totals.completionTokens += r.completionTokens;
  totals.totalTokens += r.promptTokens + r.completionTokens;
  totals.costUsd += r.costUsd;
}

interface MinuteBucket {
  minute: number;
  model: string;
  totals: UsageTotals;
}

const MINUTE_MS = 60_000;

/**
 * Records every call's tokens by model and prices them from a table held as data. Keeps
 * per-minute totals per model rather than every record, so a pipeline making hundreds of calls a
 * second holds at most (minutes retained × models) entries.
 */
export interface UsageTrackerOptions {
  pricing?: PricingTable;
  /** Totals older than this are dropped; default 31 days. */
  retentionMs?: number;
  now?: () => number;
  /** Called for every record, e.g. to persist or export metrics. */
  onRecord?: (record: UsageRecord) => void;
}

export class UsageTracker {
  private readonly buckets = new Map<string, MinuteBucket>();
  private oldestMinute = Infinity;

  private readonly pricing: PricingTable;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly onRecord?: (record: UsageRecord) => void;

  constructor(options: UsageTrackerOptions = {}) {
    this.pricing = options.pricing ?? DEFAULT_PRICING;
    this.retentionMs = options.retentionMs ?? 31 * 86_400_000;
    this.now = options.now ?? Date.now;
    this.onRecord = options.onRecord;
  }

  /** The prices costs are computed with, and the date they are valid from. */
  get prices(): PricingTable {
    return this.pricing;
  }

  record(
    endpoint: string,
    model: string,
    promptTokens: number,
    completionTokens: number,
  ): UsageRecord {
    const record: UsageRecord = {
      at: this.now(),
      endpoint,
      model,
      promptTokens,
      completionTokens,
      costUsd: costOf(model, promptTokens, completionTokens, this.pricing),
    };
    const minute = Math.floor(record.at / MINUTE_MS) * MINUTE_MS;
    const key = `${minute}|${model}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { minute, model, totals: empty() };
      this.buckets.set(key, bucket);
      this.oldestMinute = Math.min(this.oldestMinute, minute);
    }
    add(bucket.totals, record);
    this.prune(record.at - this.retentionMs);
    this.onRecord?.(record);
    return record;
  }

  /** Totals of the minutes that start within [from, to]. */
  summary(from = 0, to = this.now()): UsageSummary {
    const summary: UsageSummary = { ...empty(), from, to, byModel: {}, byDay: {} };
    for (const { minute, model, totals } of this.buckets.values()) {
      if (minute < Math.floor(from / MINUTE_MS) * MINUTE_MS || minute > to) continue;
      merge(summary, totals);
      merge((summary.byModel[model] ??= empty()), totals);
      merge((summary.byDay[new Date(minute).toISOString().slice(0, 10)] ??= empty()), totals);
    }
    return summary;
  }

  private prune(horizon: number): void {
    if (this.oldestMinute + MINUTE_MS > horizon) return;
    let oldest = Infinity;
    for (const [key, bucket] of this.buckets) {
      if (bucket.minute + MINUTE_MS <= horizon) this.buckets.delete(key);
      else oldest = Math.min(oldest, bucket.minute);
    }
    this.oldestMinute = oldest;
  }
}

function merge(into: UsageTotals, from: UsageTotals): void {
  into.requests += from.requests;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  into.totalTokens += from.totalTokens;
  into.costUsd += from.costUsd;
}
