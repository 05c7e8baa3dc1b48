import type { CategoryScores } from '../categories';
import { LEXICON } from './lexicon';
import { collapseRepeats, tokenize, type Token } from './normalize';
import { findPii } from './pii';

/** Never to be mistaken for a Mistral model id. */
export const OFFLINE_MODEL_ID = 'sieve-offline-lexicon-v1';

/** Why a category scored: a span of the original text and what matched there. */
export interface ScoreEvidence {
  category: string;
  start: number;
  end: number;
  match: string;
}

export interface OfflineScore {
  scores: CategoryScores;
  evidence: ScoreEvidence[];
}

interface CompiledTerm {
  words: { stem: string; prefix: boolean }[];
  weight: number;
  term: string;
}

const compiled: Record<string, CompiledTerm[]> = Object.fromEntries(
  Object.entries(LEXICON).map(([category, list]) => [
    category,
    list.map(({ term, weight }) => ({
      term,
      weight,
      words: tokenize(term.replace(/\*/g, '')).map((t, i, all) => ({
        stem: collapseRepeats(t.text),
        prefix: i === all.length - 1 && term.endsWith('*'),
      })),
    })),
  ]),
);

/** Categories of the older 9-category set that merge two of the 2603 set. */
const MERGED_CATEGORIES: Record<string, string[]> = {
  dangerous_and_criminal_content: ['dangerous', 'criminal'],
};

function matchAt(tokens: Token[], i: number, words: CompiledTerm['words']): boolean {
  if (i + words.length > tokens.length) return false;
  return words.every((w, k) =>
    w.prefix ? tokens[i + k].text.startsWith(w.stem) : tokens[i + k].text === w.stem,
  );
}

/**
 * The honest offline scorer: lexicon hits and PII patterns, per category of the requested
 * set. It sees words, not meaning, so "I could kill for a coffee" scores as violent; use it
 * to run Sieve without a Mistral key, not to moderate a real platform.
 */
export function scoreOffline(text: string, categoryNames: readonly string[]): OfflineScore {
  const tokens = tokenize(text);
  const evidence: ScoreEvidence[] = [];
  const raw: Record<string, number> = {};

  const addHit = (category: string, weight: number, start: number, end: number) => {
    raw[category] = 1 - (1 - (raw[category] ?? 0)) * (1 - weight);
    evidence.push({ category, start, end, match: text.slice(start, end) });
  };

  for (const [category, terms] of Object.entries(compiled)) {
    const seen = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      for (const term of terms) {
        if (seen.has(term.term) || !matchAt(tokens, i, term.words)) continue;
        seen.add(term.term);
        addHit(category, term.weight, tokens[i].start, tokens[i + term.words.length - 1].end);
      }
    }
  }
  for (const pii of findPii(text)) addHit('pii', pii.weight, pii.start, pii.end);

  const scores: CategoryScores = {};
  for (const name of categoryNames) {
    const sources = MERGED_CATEGORIES[name] ?? [name];
    scores[name] = round(Math.max(0, ...sources.map((s) => raw[s] ?? 0)));
  }
  const wanted = new Set(categoryNames.flatMap((n) => MERGED_CATEGORIES[n] ?? [n]));
  return { scores, evidence: evidence.filter((e) => wanted.has(e.category)) };
}

const round = (n: number) => Math.round(n * 10000) / 10000;
