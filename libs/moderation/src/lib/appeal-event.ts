import { z } from 'zod';
import { unstorableFields } from './storable-text';

/** The longest author statement Sieve keeps; a longer one is refused, not cut. */
export const MAX_APPEAL_STATEMENT_CHARS = 5000;

const nonEmpty = (max: number) => z.string().trim().min(1).max(max);

/** An appeal as a platform submits it (HTTP body, or a message on `moderation.appeals`). */
export const appealSubmissionSchema = z.object({
  /** The platform's id for the appeal; submitting the same one again is not a second appeal. */
  appealId: nonEmpty(256),
  source: nonEmpty(128),
  /** The appealed event's id, as in its content event. */
  eventId: nonEmpty(256),
  /** The author's statement: why the decision is wrong. */
  statement: z.string().trim().min(1).max(MAX_APPEAL_STATEMENT_CHARS),
});

export type AppealSubmission = z.infer<typeof appealSubmissionSchema>;

export type ParsedAppeal =
  | { ok: true; appeal: AppealSubmission }
  | { ok: false; reason: 'invalid_json' | 'invalid_appeal'; detail: string };

/** Validates one raw message from the appeals topic; never throws. */
export function parseAppealSubmission(raw: Uint8Array | string | null): ParsedAppeal {
  if (raw === null) return { ok: false, reason: 'invalid_appeal', detail: 'message has no value' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message.slice(0, 200) };
  }
  const result = appealSubmissionSchema.safeParse(value);
  if (result.success) {
    // Storing it would fail on every retry and hold up the partition: refuse it instead.
    const [unstorable] = unstorableFields(result.data);
    if (unstorable)
      return {
        ok: false,
        reason: 'invalid_appeal',
        detail: `${unstorable.field}: ${unstorable.errors[0]}`,
      };
    return { ok: true, appeal: result.data };
  }
  const detail = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason: 'invalid_appeal', detail };
}
