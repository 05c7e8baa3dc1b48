/** One Mistral client per process (one usage tracker, one rate limiter), or null without a key. */
export const MISTRAL_CLIENT = Symbol('MISTRAL_CLIENT');
/** The prices costs are counted with: MISTRAL_PRICING_FILE, or Mistral's published ones. */
export const MISTRAL_PRICING = Symbol('MISTRAL_PRICING');
