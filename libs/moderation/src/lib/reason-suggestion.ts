/** Words in a removal reason that name a category (the default reasons, and most custom ones). */
const CATEGORY_WORDS: Record<string, RegExp> = {
  sexual: /sexual/i,
  hate_and_discrimination: /hate|discriminat/i,
  hate: /hate|discriminat/i,
  harassment: /harass|bully/i,
  violence_and_threats: /violen|threat/i,
  violence: /violen|threat/i,
  selfharm: /self[- ]?harm|suicid/i,
  dangerous: /dangerous/i,
  criminal: /criminal|illegal/i,
  dangerous_and_criminal_content: /dangerous|criminal|illegal/i,
  illicit: /criminal|illegal|illicit/i,
  pii: /personal data|personal information|privacy|doxx/i,
};

/** The categories (of `categories`) a reason names: "Threat of violence" names violence. */
export function categoriesNamedBy(reason: string, categories: readonly string[]): string[] {
  return categories.filter((c) => CATEGORY_WORDS[c]?.test(reason));
}

/**
 * The removal reason that names the flag's top category, if exactly one does — never a guess:
 * with no match (or several), the reviewer chooses.
 */
export function suggestedRemovalReason(
  reasons: readonly string[],
  topCategory: string | undefined,
): string | null {
  const words = topCategory ? CATEGORY_WORDS[topCategory] : undefined;
  if (!words) return null;
  const matching = reasons.filter((r) => words.test(r));
  return matching.length === 1 ? matching[0] : null;
}
