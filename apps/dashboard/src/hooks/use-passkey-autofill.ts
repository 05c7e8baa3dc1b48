import type { AuthenticationResponseJSON } from '@simplewebauthn/browser';
import { useEffect } from 'react';
import { passkeyOptions } from '../api/auth';
import {
  cancelPasskeyAutofill,
  passkeyFromAutofill,
  supportsPasskeyAutofill,
} from '../api/webauthn';

/** A passkey challenge lives five minutes on the api: the autofill offer is renewed before. */
export const AUTOFILL_RENEW_MS = 4 * 60_000;

/**
 * While nothing else is under way, offers the site's passkeys in the e-mail field's autofill
 * (where the browser can), renewing the challenge before it expires; a picked one is passed on.
 */
export function usePasskeyAutofill(
  active: boolean,
  onPicked: (answer: AuthenticationResponseJSON) => void,
) {
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let renew: ReturnType<typeof setTimeout> | undefined;
    /** One offer: the passkey picked, 'renew' when its challenge ran out, null when it ended. */
    const offer = async (): Promise<AuthenticationResponseJSON | 'renew' | null> => {
      const options = await passkeyOptions().catch(() => null);
      if (!options || stopped) return null;
      let renewed = false;
      renew = setTimeout(() => {
        renewed = true;
        cancelPasskeyAutofill();
      }, AUTOFILL_RENEW_MS);
      const answer = await passkeyFromAutofill(options).catch(() => null);
      clearTimeout(renew);
      return answer ?? (renewed ? 'renew' : null);
    };
    void (async () => {
      if (!(await supportsPasskeyAutofill())) return;
      // Offered again only when its challenge ran out: an offer the browser ended or refused
      // (no passkey here, another prompt) is not retried in a loop.
      let outcome = await offer();
      while (outcome === 'renew' && !stopped) outcome = await offer();
      if (outcome && outcome !== 'renew' && !stopped) onPicked(outcome);
    })();
    return () => {
      stopped = true;
      clearTimeout(renew);
      cancelPasskeyAutofill();
    };
  }, [active, onPicked]);
}
