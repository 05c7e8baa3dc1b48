/**
 * The form of a text that decides whether two posts get the same score: Unicode compatibility
 * forms folded (NFKC) and runs of whitespace collapsed. Case and punctuation are kept because
 * the model may read them ("KILL" and "kill" can score differently).
 */
export function normalizeForScoring(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/**
 * A cheap upper-bound estimate of a text's tokens for packing moderation requests: about four
 * bytes of UTF-8 per token for Latin scripts, and never fewer tokens than a quarter of the
 * characters. Deliberately generous: a request split too early costs one more call, while one
 * packed too full is refused.
 */
export function estimateTokens(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  return Math.max(1, Math.ceil(bytes / 3), Math.ceil(text.length / 2));
}
