/**
 * The form of a text that decides whether two posts get the same score: Unicode compatibility
 * forms folded (NFKC) and runs of whitespace collapsed. Case and punctuation are kept because
 * the model may read them ("KILL" and "kill" can score differently).
 */
export function normalizeForScoring(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}
