/** USD per 1M tokens. Data, not code: override with your contract's prices. */
export interface ModelPrice {
  input: number;
  output: number;
}

export interface PricingTable {
  asOf: string;
  currency: 'USD';
  /** Keyed by model id or by a prefix ending in `*` (e.g. `mistral-large*`). */
  prices: Record<string, ModelPrice>;
}

/**
 * Mistral's published prices (its docs data, August 2026). Prices change without a release of
 * this library: pass your own table (parsePricingTable reads one from JSON).
 */
export const DEFAULT_PRICING: PricingTable = {
  asOf: '2026-08-01',
  currency: 'USD',
  prices: {
    'mistral-large*': { input: 0.5, output: 1.5 },
    'mistral-small*': { input: 0.15, output: 0.6 },
    'codestral*': { input: 0.3, output: 0.9 },
    'mistral-embed*': { input: 0.1, output: 0 },
    'mistral-moderation-2411': { input: 0.1, output: 0 },
    // Moderation 2 (2603, and what -latest points at) is free.
    'mistral-moderation*': { input: 0, output: 0 },
  },
};

/**
 * A pricing table from JSON (`{asOf, currency: "USD", prices: {model: {input, output}}}`),
 * checked: the reason is thrown as an Error naming the bad field.
 */
export function parsePricingTable(json: unknown): PricingTable {
  const t = json as Partial<PricingTable> | null;
  const fail = (why: string) => {
    throw new Error(`pricing table: ${why}`);
  };
  if (!t || typeof t !== 'object') fail('must be a JSON object');
  if (typeof t?.asOf !== 'string' || Number.isNaN(Date.parse(t.asOf)))
    fail('asOf must be a date (YYYY-MM-DD)');
  if (t?.currency !== 'USD') fail('currency must be "USD"');
  if (!t?.prices || typeof t.prices !== 'object') fail('prices must be an object');
  for (const [model, price] of Object.entries(t?.prices ?? {})) {
    for (const side of ['input', 'output'] as const) {
      const value = (price as Partial<ModelPrice> | null)?.[side];
      if (typeof value !== 'number' || value < 0 || !Number.isFinite(value))
        fail(`prices["${model}"].${side} must be a number ≥ 0 (USD per 1M tokens)`);
    }
  }
  return t as PricingTable;
}

export function priceFor(model: string, table: PricingTable): ModelPrice | null {
  if (table.prices[model]) return table.prices[model];
  let best: { length: number; price: ModelPrice } | null = null;
  for (const [key, price] of Object.entries(table.prices)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) {
      best = { length: prefix.length, price };
    }
  }
  return best?.price ?? null;
}

export function costOf(
  model: string,
  promptTokens: number,
  completionTokens: number,
  table: PricingTable,
): number {
  const price = priceFor(model, table);
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
