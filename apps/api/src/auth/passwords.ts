import { UnprocessableEntityException } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verified against when the account does not exist, so both cases take the same time. */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('decoy password that matches no account');
  return decoyHash;
}

type StrengthChecker = (
  password: string,
  userInputs: string[],
) => { score: number; warning: string | null };
let checker: Promise<StrengthChecker> | null = null;

/** zxcvbn with its list of common and breached passwords, loaded on first use (about 4 MB). */
function strengthChecker(): Promise<StrengthChecker> {
  checker ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([{ ZxcvbnFactory }, common]) => {
      const zxcvbn = new ZxcvbnFactory({
        dictionary: common.dictionary,
        graphs: common.adjacencyGraphs,
      });
      return (password, userInputs) => {
        const result = zxcvbn.check(password, userInputs);
        return { score: result.score, warning: result.feedback.warning };
      };
    },
  );
  return checker;
}

const WARNINGS: Record<string, string> = {
  topTen: 'it is one of the most used passwords',
  topHundred: 'it is among the most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is too close to a commonly used password',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names alone are easy to guess',
  userInputs: 'it contains your e-mail address or name',
  keyPattern: 'keyboard patterns are easy to guess',
  straightRow: 'a row of keys is easy to guess',
  repeated: 'repeated characters are easy to guess',
  sequences: 'sequences like "abc" or "123" are easy to guess',
  dates: 'dates are easy to guess',
  recentYears: 'recent years are easy to guess',
};

/**
 * Why a new password is refused, or null: ASVS asks to refuse passwords found in breaches and
 * common-password lists, which zxcvbn's lists and guess estimate cover offline (a score below 3
 * means guessable in under 10^8 tries). Length is checked by the DTO before this.
 */
export async function weakPasswordReason(
  password: string,
  userInputs: string[],
): Promise<string | null> {
  const { score, warning } = (await strengthChecker())(password, userInputs);
  if (score >= 3) return null;
  return `This password is too easy to guess: ${WARNINGS[warning ?? ''] ?? 'add more unrelated words'}.`;
}

/** 422 with the field named, for the endpoints that set a password. */
export async function assertStrongPassword(
  password: string,
  userInputs: string[],
  field = 'password',
): Promise<void> {
  const reason = await weakPasswordReason(password, userInputs);
  if (reason)
    throw new UnprocessableEntityException({
      message: reason,
      details: [{ field, errors: [reason] }],
    });
}
