import type { TriggeredCategory } from '@sieve/moderation';
import { useSession } from './use-session';
import { useSystemInfo } from './use-system';

/**
 * The reviewer's wellness setting, one rule everywhere a post's text appears (queue rows, the
 * item view, the author's other posts, explanation quotes): a post flagged in a sensitive
 * category is blurred until revealed, when the reviewer asked for that (the default).
 */
export function useBlurSensitive(): (triggered: TriggeredCategory[]) => boolean {
  const session = useSession();
  const system = useSystemInfo();
  const wanted = session.data?.user.preferences.blurSensitive ?? true;
  return (triggered) =>
    wanted &&
    triggered.some((t) => system.data?.categories.find((c) => c.name === t.category)?.sensitive);
}
