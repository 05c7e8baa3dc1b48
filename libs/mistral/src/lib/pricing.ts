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

/** The project's seed prices (see contract/README.md for Mistral's published ones). */
export const DEFAULT_PRICING: PricingTable = {
  asOf: '2026-11-01',
  currency: 'USD',
  prices: {
    'mistral-large*': { input: 2, output: 6 },
    'mistral-small*': { input: 0.2, output: 0.6 },
    'codestral*': { input: 0.2, output: 0.6 },
    'mistral-embed*': { input: 0.1, output: 0 },
    'mistral-moderation*': { input: 0.2, output: 0 },
  },
};

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
