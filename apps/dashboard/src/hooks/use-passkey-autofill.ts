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
    void (async () => {
      if (!(await supportsPasskeyAutofill())) return;
      // Offered again only when this renewed it: an offer the browser ended or refused (no
      // passkey here, another prompt) is not retried in a loop.
      let renewing = true;
      while (renewing && !stopped) {
        const options = await passkeyOptions().catch(() => null);
        if (!options || stopped) return;
        renewing = false;
        renew = setTimeout(() => {
          renewing = true;
          cancelPasskeyAutofill();
        }, AUTOFILL_RENEW_MS);
        const answer = await passkeyFromAutofill(options).catch(() => null);
        clearTimeout(renew);
        if (answer && !stopped) return onPicked(answer);
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(renew);
      cancelPasskeyAutofill();
    };
  }, [active, onPicked]);
}
