import type { CategoryScores } from './categories';
import type { Policy } from './policy';

/**
 * What the checks found in a model's answer. The post is attacker-controlled and the model reads
 * it, so its answer is treated as untrusted too: these are shown beside the answer, never hidden.
 */
export type ExplanationWarningCode =
  | 'post_addresses_model'
  | 'disagrees_with_scores'
  | 'quotes_not_in_post'
  | 'echoes_post'
  | 'unchecked';

export interface ExplanationWarning {
  code: ExplanationWarningCode;
  message: string;
}

/** Phrases a post uses to talk to a model or a moderator rather than to its readers. */
const ADDRESSES_MODEL = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instructions?|rules|prompts?|guidelines|above)\b/i,
  /\b(system|developer|hidden)\s+(prompt|message|instructions?)\b/i,
  /^\s*(system|assistant|developer|reviewer|moderator|ai)\s*:/im,
  /\byou are (now )?(an? )?(ai|assistant|language model|llm|chatbot|mistral|gpt)\b/i,
  /\b(mark|classify|label|rate|flag|treat|consider)\b[^.\n]{0,30}\b(as )?(safe|harmless|benign|allowed|acceptable|does_not_violate)\b/i,
  /\b(verdict|does_not_violate|confidence)\b/i,
  /POST_JSON|<<<|>>>/,
];

export function addressesModel(post: string): boolean {
  return ADDRESSES_MODEL.some((pattern) => pattern.test(post));
}

/** The shortest run of the post's own words that counts as the answer repeating the post. */
export const ECHO_MIN_CHARS = 40;

const squash = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * True when `written` repeats a stretch of at least ECHO_MIN_CHARS characters of the post (an
 * injected "summary" copied through). Windows are taken every 8 characters, so any echo of
 * ECHO_MIN_CHARS + 8 characters or more is always found.
 */
export function echoesPost(written: string, post: string): boolean {
  const haystack = squash(written);
  const source = squash(post);
  if (haystack.length < ECHO_MIN_CHARS || source.length < ECHO_MIN_CHARS) return false;
  for (let start = 0; start + ECHO_MIN_CHARS <= source.length; start += 8) {
    if (haystack.includes(source.slice(start, start + ECHO_MIN_CHARS))) return true;
  }
  return false;
}

export function verbatimQuotes(
  quotes: readonly string[],
  post: string,
): { kept: string[]; dropped: number } {
  const kept = quotes.filter((q) => q.length > 0 && post.includes(q));
  return { kept: [...new Set(kept)], dropped: quotes.length - kept.length };
}

export function droppedQuotesWarning(dropped: number): ExplanationWarning {
  return {
    code: 'quotes_not_in_post',
    message: `${dropped} quote${dropped === 1 ? '' : 's'} the model gave ${dropped === 1 ? 'is' : 'are'} not in the post and ${dropped === 1 ? 'was' : 'were'} removed.`,
  };
}

export const ECHO_WARNING: ExplanationWarning = {
  code: 'echoes_post',
  message:
    'The answer repeats the post word for word outside its quotes: it may carry the post’s own words rather than the model’s judgement.',
};

export const ADDRESSES_MODEL_WARNING: ExplanationWarning = {
  code: 'post_addresses_model',
  message:
    'The post contains text addressed to an AI model or to moderators: it may have tried to steer this explanation. Read the post itself.',
};

/** Categories at or above their review threshold that the model calls harmless or leaves out. */
export function disagreementWarning(
  verdicts: ReadonlyMap<string, string>,
  scores: CategoryScores,
  policy: Policy,
): ExplanationWarning | null {
  const overruled = Object.entries(policy.rules)
    .filter(([name, rule]) => rule.enabled && (scores[name] ?? 0) >= rule.reviewThreshold)
    .map(([name]) => name)
    .filter((name) => {
      const verdict = verdicts.get(name);
      return verdict === undefined || verdict === 'does_not_violate';
    });
  if (overruled.length === 0) return null;
  return {
    code: 'disagrees_with_scores',
    message: `The model calls ${overruled.join(', ')} harmless or does not address ${overruled.length === 1 ? 'it' : 'them'}, although the score is at or above the review threshold. Decide from the post, not from this explanation.`,
  };
}
