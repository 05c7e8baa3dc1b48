/** A word of the normalized text, with the span of the original text it came from. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

const SEPARATORS = new Set([' ', '.', '-', '_', '\t']);
const MASKS = new Set(['*', '#']);

function foldChar(ch: string): string {
  const base = ch.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return LEET[base] ?? base;
}

const isWordChar = (ch: string) => /[\p{L}\p{N}]/u.test(ch);

/** Collapses runs of a repeated letter ("fuuuuck" → "fuck", "kill" → "kil"). Applied to text and lexicon alike. */
export function collapseRepeats(word: string): string {
  return word.replace(/(.)\1+/gu, '$1');
}

/**
 * Splits text into lower-cased, accent-free, de-leeted words that remember their original
 * spans. Evasions are undone on the way: "f u c k" and "f.u.c.k" join into one word,
 * "f*ck" drops its mask, "fuuuck" collapses. Digits that are not leet (e.g. in "2024")
 * stay digits when the whole run is numeric.
 */
export function tokenize(input: string): Token[] {
  const raw: Token[] = [];
  let current: Token | null = null;
  const chars = Array.from(input);
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const start = offset;
    offset += ch.length;
    const folded = foldChar(ch);
    const maskInsideWord =
      MASKS.has(ch) && current !== null && i + 1 < chars.length && isWordChar(chars[i + 1]);
    if (isWordChar(folded) || maskInsideWord || (LEET[ch] !== undefined && current !== null)) {
      if (!current) current = { text: '', start, end: start };
      if (!maskInsideWord) current.text += folded;
      current.end = offset;
    } else if (LEET[ch] !== undefined && i + 1 < chars.length && isWordChar(chars[i + 1])) {
      // "@ss" or "$hit": a leet symbol can start a word too.
      current = { text: folded, start, end: offset };
    } else {
      if (current) raw.push(current);
      current = null;
    }
  }
  if (current) raw.push(current);

  // Numeric runs keep their digits (a leet "1" inside "k1ll" is a letter, "2024" is a year).
  for (const token of raw) {
    const original = input.slice(token.start, token.end);
    if (/^[\d\s.,-]+$/.test(original)) token.text = original.replace(/\D/g, '');
  }
  return joinSpacedLetters(input, raw).map((t) => ({ ...t, text: collapseRepeats(t.text) }));
}

/** "f u c k" → "fuck": three or more single letters separated by one separator each. */
function joinSpacedLetters(input: string, tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    while (
      j + 1 < tokens.length &&
      tokens[j].text.length === 1 &&
      tokens[j + 1].text.length === 1 &&
      tokens[j + 1].start - tokens[j].end === 1 &&
      SEPARATORS.has(input[tokens[j].end])
    ) {
      j++;
    }
    if (j - i >= 2) {
      out.push({
        text: tokens
          .slice(i, j + 1)
          .map((t) => t.text)
          .join(''),
        start: tokens[i].start,
        end: tokens[j].end,
      });
      i = j + 1;
    } else {
      out.push(tokens[i]);
      i++;
    }
  }
  return out;
}
