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

/** Records every call's tokens by model and prices them from a table held as data. */
export class UsageTracker {
  private readonly records: UsageRecord[] = [];

  constructor(
    private readonly pricing: PricingTable = DEFAULT_PRICING,
    /** Records older than this are dropped; default 31 days. */
    private readonly retentionMs = 31 * 86_400_000,
    private readonly now: () => number = Date.now,
    /** Called for every record, e.g. to persist or export metrics. */
    private readonly onRecord?: (record: UsageRecord) => void,
  ) {}

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
    this.records.push(record);
    const horizon = record.at - this.retentionMs;
    while (this.records.length > 0 && this.records[0].at < horizon) this.records.shift();
    this.onRecord?.(record);
    return record;
  }

  summary(from = 0, to = this.now()): UsageSummary {
    const summary: UsageSummary = { ...empty(), from, to, byModel: {}, byDay: {} };
    for (const r of this.records) {
      if (r.at < from || r.at > to) continue;
      add(summary, r);
      add((summary.byModel[r.model] ??= empty()), r);
      add((summary.byDay[new Date(r.at).toISOString().slice(0, 10)] ??= empty()), r);
    }
    return summary;
  }
}
