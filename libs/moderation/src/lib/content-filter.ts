/**
 * Reviewer wellbeing: how a reviewer wants posts of each category shown. The strongest filter
 * among a post's categories applies: a warning screen (the text is not shown until asked for) >
 * blur > greyscale (colours, emoji and highlights muted) > shown as is. Pure.
 */
export const CONTENT_FILTERS = ['show', 'greyscale', 'blur', 'warn'] as const;
export type ContentFilter = (typeof CONTENT_FILTERS)[number];

export interface ContentFilterPreferences {
  /** The older switch: blur sensitive categories the reviewer has not set a filter for. */
  blurSensitive: boolean;
  /** Per category; a category without one follows `blurSensitive`. */
  contentFilters: Record<string, ContentFilter>;
}

export function contentFilterFor(
  categories: readonly string[],
  preferences: ContentFilterPreferences,
  isSensitive: (category: string) => boolean,
): ContentFilter {
  let strongest: ContentFilter = 'show';
  for (const category of categories) {
    const filter =
      preferences.contentFilters[category] ??
      (preferences.blurSensitive && isSensitive(category) ? 'blur' : 'show');
    if (CONTENT_FILTERS.indexOf(filter) > CONTENT_FILTERS.indexOf(strongest)) strongest = filter;
  }
  return strongest;
}
