/**
 * The browser's half of security keys and passkeys: its WebAuthn prompts (through
 * @simplewebauthn/browser, which turns the api's JSON options into the browser's buffers and
 * back), with the reasons a prompt ends without a key put in words a person can act on.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  WebAuthnError,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';

/** The browser's prompt ended without a key's answer: why, in words a person can act on. */
export class SecurityKeyPromptError extends Error {
  override name = 'SecurityKeyPromptError';
}

/** Browsers offer security keys on a name (localhost, sieve.example.com), never on an IP address. */
export const onAnIpAddress = () => /^[\d.]+$|^\[/.test(window.location.hostname);

function explain(error: unknown): never {
  const name = error instanceof Error ? error.name : '';
  const code = error instanceof WebAuthnError ? error.code : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError')
    throw new SecurityKeyPromptError('That security key is already added to your account.');
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError')
    throw new SecurityKeyPromptError(
      'This browser refused security keys at this address: open the dashboard at its name (as the server has it in WEBAUTHN_ORIGINS), not an IP address.',
    );
  if (name === 'NotAllowedError' || code === 'ERROR_CEREMONY_ABORTED')
    throw new SecurityKeyPromptError(
      'The security key did not answer: it was cancelled or timed out. Try again.',
    );
  throw new SecurityKeyPromptError(
    `The security key could not be used: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * The browser runs one WebAuthn request at a time, and starting a prompt withdraws the autofill
 * offer; withdrawing must then leave the prompt alone.
 */
let autofillOffered = false;

function requireSupport() {
  if (!browserSupportsWebAuthn())
    throw new SecurityKeyPromptError('This browser does not support security keys.');
  autofillOffered = false;
}

/** Asks the browser to make a key for this site (it prompts the person to touch theirs). */
export async function makeSecurityKey(
  options: PublicKeyCredentialCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  requireSupport();
  return startRegistration({ optionsJSON: options }).catch(explain);
}

/** Asks the browser for a key's signature over a sign-in's challenge. */
export async function signWithSecurityKey(
  options: PublicKeyCredentialRequestOptionsJSON,
): Promise<AuthenticationResponseJSON> {
  requireSupport();
  return startAuthentication({ optionsJSON: options }).catch(explain);
}

/** Whether this browser can offer passkeys in a field's autofill (conditional mediation). */
export const supportsPasskeyAutofill = (): Promise<boolean> =>
  browserSupportsWebAuthn() ? browserSupportsWebAuthnAutofill() : Promise.resolve(false);

/**
 * Offers the site's passkeys in the autofill of the field marked `autocomplete="… webauthn"`,
 * without a prompt: resolves with the answer once the person picks one, or null when the offer
 * was withdrawn (cancelPasskeyAutofill, or another prompt took its place).
 */
export async function passkeyFromAutofill(
  options: PublicKeyCredentialRequestOptionsJSON,
): Promise<AuthenticationResponseJSON | null> {
  autofillOffered = true;
  try {
    return await startAuthentication({ optionsJSON: options, useBrowserAutofill: true });
  } catch (error) {
    const aborted =
      (error instanceof WebAuthnError && error.code === 'ERROR_CEREMONY_ABORTED') ||
      (error instanceof Error && error.name === 'AbortError');
    if (aborted) return null;
    return explain(error);
  } finally {
    autofillOffered = false;
  }
}

/** Withdraws the autofill offer, if it is still the request under way. */
export function cancelPasskeyAutofill(): void {
  if (autofillOffered) WebAuthnAbortService.cancelCeremony();
  autofillOffered = false;
}
