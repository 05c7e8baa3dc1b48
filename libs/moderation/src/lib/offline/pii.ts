export interface PiiMatch {
  kind: 'email' | 'phone' | 'card' | 'iban';
  start: number;
  end: number;
  weight: number;
}

// The local part starts where a run of its characters starts (the lookbehind): otherwise the
// engine retried the run from each of its characters, and one 32 KB word took half a second.
// Every pattern here must stay linear in the text (pii.spec.ts feeds each a pathological post).
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// International or national numbers: 9–15 digits with optional separators.
const PHONE = /(?<![\w+])(?:\+|00)?\d(?:[ .-]?\(?\d\)?){8,14}(?!\w)/g;
const CARD = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? (ch.charCodeAt(0) - 55).toString() : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Finds e-mail addresses, phone numbers, Luhn-valid card numbers and valid IBANs. */
export function findPii(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  const taken = (start: number, end: number) => matches.some((m) => start < m.end && end > m.start);

  for (const m of text.matchAll(IBAN)) {
    if (ibanValid(m[0]))
      matches.push({ kind: 'iban', start: m.index, end: m.index + m[0].length, weight: 0.95 });
  }
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (luhnValid(digits) && !taken(m.index, m.index + m[0].length)) {
      matches.push({ kind: 'card', start: m.index, end: m.index + m[0].length, weight: 0.97 });
    }
  }
  for (const m of text.matchAll(EMAIL)) {
    matches.push({ kind: 'email', start: m.index, end: m.index + m[0].length, weight: 0.9 });
  }
  for (const m of text.matchAll(PHONE)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 9 && digits.length <= 15 && !taken(m.index, m.index + m[0].length)) {
      matches.push({ kind: 'phone', start: m.index, end: m.index + m[0].length, weight: 0.8 });
    }
  }
  return matches.sort((a, b) => a.start - b.start);
}
