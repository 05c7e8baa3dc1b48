import type { JudgeTarget, ModelJudgement } from '../custom-policy';
import { tokenize, type Token } from './normalize';

/** Never to be mistaken for a Mistral model id. */
export const OFFLINE_JUDGE_ID = 'sieve-offline-similarity-v1';

const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have i in is it its me my no not of on or our so ' +
    'that the their them then there these they this to was we were what when which who will with ' +
    'you your any all do does did than too very can just about above below into over under more ' +
    'most other some such only own same each few both'
  ).split(' '),
);
// "above" and "below" matter in rules like "above face value": keep them as content words.
STOPWORDS.delete('above');
STOPWORDS.delete('below');

/** A content word's comparable form: plural and common endings cut ("tickets" ~ "ticket"). */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('es')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const contentTokens = (text: string): Token[] =>
  tokenize(text).filter((t) => t.text.length >= 3 && !STOPWORDS.has(t.text));
const contentWords = (text: string) => new Set(contentTokens(text).map((t) => stem(t.text)));

/** How much of `example`'s content the post shares, 0–1. */
function overlap(post: ReadonlySet<string>, example: ReadonlySet<string>): number {
  if (example.size === 0) return 0;
  let shared = 0;
  for (const w of example) if (post.has(w)) shared++;
  return shared / example.size;
}

/**
 * The offline judge, used without a Mistral key: similarity of the post's words to the rule's
 * examples and to the words of its definition. It finds posts that resemble the examples; it
 * does not understand the rule, and every judgement it makes says so (its model id).
 */
export function offlineJudgement(target: JudgeTarget, text: string): ModelJudgement {
  const post = contentWords(text);
  const definition = contentWords(`${target.label} ${target.definition}`);
  const nearestViolating = Math.max(
    0,
    ...target.violatingExamples.map((e) => overlap(post, contentWords(e))),
  );
  const nearestAllowed = Math.max(
    0,
    ...target.allowedExamples.map((e) => overlap(post, contentWords(e))),
  );
  let definitionHits = 0;
  for (const w of definition) if (post.has(w)) definitionHits++;
  const fromDefinition = Math.min(1, definitionHits / Math.min(3, Math.max(1, definition.size)));
  // Closer to an allowed example than to any violating one: not a violation, however many of
  // the rule's words it uses ("selling my ticket at face value").
  const closerToAllowed = nearestAllowed > nearestViolating;
  const raw = Math.min(closerToAllowed ? 0.45 : 1, 0.6 * nearestViolating + 0.4 * fromDefinition);
  const score = Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000;
  const violates = score >= 0.5;
  const telling = new Set([
    ...definition,
    ...target.violatingExamples.flatMap((e) => [...contentWords(e)]),
  ]);
  const evidence = violates ? spans(text, contentTokens(text), telling) : [];
  return {
    violates,
    confidence: violates ? score : 1 - score,
    evidence,
    rationale: closerToAllowed
      ? `Offline similarity: the post is closer to an example the rule allows (${Math.round(nearestAllowed * 100)}%) than to any violating one. No language model read it.`
      : violates
        ? `Offline similarity: the post shares ${Math.round(nearestViolating * 100)}% of the words of the closest violating example and ${definitionHits} of the rule's words. No language model read it.`
        : `Offline similarity: the post is not close to the rule's violating examples (${Math.round(nearestViolating * 100)}%). No language model read it.`,
  };
}

/** Runs of telling words in the post (joined across up to 3 characters), verbatim, longest first. */
function spans(text: string, tokens: Token[], telling: ReadonlySet<string>): string[] {
  const runs: { start: number; end: number; words: number }[] = [];
  for (const t of tokens) {
    if (!telling.has(stem(t.text))) continue;
    const last = runs[runs.length - 1];
    if (last && t.start - last.end <= 3) {
      last.end = t.end;
      last.words++;
    } else runs.push({ start: t.start, end: t.end, words: 1 });
  }
  return runs
    .sort((a, b) => b.words - a.words || a.start - b.start)
    .slice(0, 3)
    .map((r) => text.slice(r.start, r.end));
}
