import { type ContentFilter, contentFilterFor, type TriggeredCategory } from '@sieve/moderation';
import { useSession } from './use-session';
import { useSystemInfo } from './use-system';

/**
 * The reviewer's content filters, one rule everywhere a post's text appears (queue rows, the
 * item view, appeals, the author's other posts, explanation quotes): per category show,
 * greyscale, blur or a warning screen; categories without a choice follow the blur switch
 * (sensitive ones blurred by default).
 */
export function useContentFilter(): (triggered: TriggeredCategory[]) => ContentFilter {
  const session = useSession();
  const system = useSystemInfo();
  const preferences = {
    blurSensitive: session.data?.user.preferences.blurSensitive ?? true,
    contentFilters: session.data?.user.preferences.contentFilters ?? {},
  };
  const sensitive = (category: string) =>
    system.data?.categories.find((c) => c.name === category)?.sensitive ?? false;
  return (triggered) =>
    contentFilterFor(
      triggered.map((t) => t.category),
      preferences,
      sensitive,
    );
}

/** Where only hiding is possible (a line of text, a quote): hidden under blur and warn alike. */
export function useBlurSensitive(): (triggered: TriggeredCategory[]) => boolean {
  const filter = useContentFilter();
  return (triggered) => {
    const mode = filter(triggered);
    return mode === 'blur' || mode === 'warn';
  };
}
