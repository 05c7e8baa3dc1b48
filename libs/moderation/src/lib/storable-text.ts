/** A UTF-16 surrogate without its pair: no UTF-8 encodes it, and jsonb refuses its escape. */
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL could not store the string, in text or in jsonb, or null when it can: text
 * cannot hold U+0000, and jsonb refuses a lone surrogate's escape.
 */
export function unstorableString(s: string): string | null {
  if (s.includes('\0')) return 'contains the character U+0000, which cannot be stored';
  if (LONE_SURROGATE.test(s))
    return 'contains an unpaired UTF-16 surrogate (\\uD800–\\uDFFF without its pair)';
  return null;
}

export interface UnstorableField {
  /** The path to the string, dot-separated (`note.text`, `ids.1`); `(root)` for the value itself. */
  field: string;
  errors: string[];
}

/**
 * Every string in the value, keys included, that PostgreSQL could not store; a value nested
 * deeper than `maxDepth` is one error at that depth, so nothing walks an unbounded structure.
 */
export function unstorableFields(value: unknown, field = '', maxDepth = 32): UnstorableField[] {
  const walk = (v: unknown, path: string, depth: number): UnstorableField[] => {
    const named = path || '(root)';
    if (typeof v === 'string') {
      const why = unstorableString(v);
      return why ? [{ field: named, errors: [why] }] : [];
    }
    if (!v || typeof v !== 'object') return [];
    if (depth >= maxDepth)
      return [{ field: named, errors: [`is nested more than ${maxDepth} levels deep`] }];
    return Object.entries(v).flatMap(([key, child]) => {
      const childPath = path ? `${path}.${key}` : key;
      const why = unstorableString(key);
      return [
        ...(why ? [{ field: childPath, errors: [`name ${why}`] }] : []),
        ...walk(child, childPath, depth + 1),
      ];
    });
  };
  return walk(value, field, 0);
}

/**
 * The first `max` UTF-16 code units of `s`, one fewer when the cut would split a surrogate pair
 * (an emoji): half a pair is text PostgreSQL's jsonb refuses.
 */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

const UNSTORABLE_CHARACTERS = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

/**
 * Text from elsewhere (a server's error body, an API's message) made storable for a log or an
 * error column: U+0000 and unpaired surrogates become U+FFFD, and it is cut at `max` without
 * splitting a pair. Not for content, which is refused rather than altered.
 */
export function storableText(s: string, max: number): string {
  return truncateText(s.replace(UNSTORABLE_CHARACTERS, '\uFFFD'), max);
}
