import { z } from 'zod';
import { LONE_SURROGATE } from './storable-text';

/** Texts above this many UTF-8 bytes are rejected (dead-lettered) unless configured otherwise. */
export const DEFAULT_MAX_TEXT_BYTES = 32 * 1024;

const nonEmpty = (max: number) => z.string().trim().min(1).max(max);

export const contentEventSchema = z.object({
  id: nonEmpty(256),
  source: nonEmpty(128),
  authorId: nonEmpty(256),
  text: z.string(),
  createdAt: z.iso
    .datetime({ offset: true })
    .refine(
      isStorableTime,
      'must be a time in the years 0001–9999 with a UTC offset within ±14:00',
    ),
  lang: z
    .string()
    .regex(
      /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/,
      'must be a BCP 47 language tag such as "en" or "pt-BR"',
    )
    .optional(),
  /**
   * Set when the post reached moderation through a notice rather than the platform's own
   * screening: a user's notice under DSA Article 16, a trusted flagger's, or another kind. It
   * becomes the statement of reasons' `source_type`.
   */
  notice: z.enum(['article_16', 'trusted_flagger', 'other']).optional(),
  context: z
    .object({
      threadId: z.string().max(256).optional(),
      url: z
        .url({ protocol: /^https?$/ })
        .max(2048)
        .optional(),
    })
    .optional(),
});

/**
 * ISO 8601 allows times PostgreSQL refuses (year 0000, offsets of ±15:00 and more); one such
 * event would fail its batch on every retry. Real offsets span −12:00 to +14:00.
 */
function isStorableTime(value: string): boolean {
  if (value.startsWith('0000')) return false;
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= 14 * 60;
}

/** A post a platform sends to Sieve on the `content.events` topic. */
export type ContentEvent = z.infer<typeof contentEventSchema>;

export type ContentEventRejection =
  'invalid_json' | 'invalid_encoding' | 'invalid_event' | 'text_too_large' | 'empty_text';

export type ParsedContentEvent =
  { ok: true; event: ContentEvent } | { ok: false; reason: ContentEventRejection; detail: string };

export interface ParseOptions {
  maxTextBytes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Validates one raw message from the input topic. Never throws: a rejection carries a
 * machine-readable reason and a human-readable detail, for the dead-letter headers.
 */
export function parseContentEvent(
  raw: Uint8Array | string | null,
  options: ParseOptions = {},
): ParsedContentEvent {
  const maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  if (raw === null) return { ok: false, reason: 'invalid_event', detail: 'message has no value' };

  let json: string;
  try {
    json = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'invalid_encoding', detail: 'message value is not valid UTF-8' };
  }

  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message.slice(0, 200) };
  }

  const result = contentEventSchema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: 'invalid_event', detail };
  }

  const event = result.data;
  // Valid JSON and Unicode, but PostgreSQL text cannot hold U+0000: storing the batch would
  // fail on every retry and hold up the partition.
  if (json.includes('\\u0000') && holdsNul(event)) {
    return {
      ok: false,
      reason: 'invalid_event',
      detail: 'contains the character U+0000, which cannot be stored',
    };
  }
  // Raw UTF-8 cannot encode a lone surrogate, but a JSON escape can; PostgreSQL's json refuses
  // it, so storing the batch would fail on every retry, as above.
  if (/\\u[dD][89a-fA-F]/.test(json) && holdsLoneSurrogate(event)) {
    return {
      ok: false,
      reason: 'invalid_encoding',
      detail: 'contains an unpaired UTF-16 surrogate (a \\uD800–\\uDFFF escape without its pair)',
    };
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most texts need no count at all.
  const textBytes = event.text.length * 3 <= maxTextBytes ? 0 : encoder.encode(event.text).length;
  if (textBytes > maxTextBytes) {
    return {
      ok: false,
      reason: 'text_too_large',
      detail: `text is ${textBytes} bytes; the limit is ${maxTextBytes}`,
    };
  }
  if (event.text.trim().length === 0) {
    return { ok: false, reason: 'empty_text', detail: 'text is empty' };
  }
  return { ok: true, event };
}

/** Whether any string in the value contains U+0000. */
const holdsNul = (value: unknown) => someString(value, (s) => s.includes('\0'));

const holdsLoneSurrogate = (value: unknown) => someString(value, (s) => LONE_SURROGATE.test(s));

/** Whether any string in the (parsed, so schema-shaped) event passes the test. */
function someString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (value && typeof value === 'object')
    return Object.values(value).some((v) => someString(v, test));
  return false;
}
