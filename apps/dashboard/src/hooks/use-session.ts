import type { AuthenticationResponseJSON } from '@simplewebauthn/browser';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  getSession,
  login,
  loginWithPasskey,
  logout,
  passkeyOptions,
  type SecondFactorProof,
  type Session,
} from '../api/auth';
import { ApiError } from '../api/client';
import { signWithSecurityKey } from '../api/webauthn';
import { queryKeys } from './query-keys';

export type AccountSetupStep = 'choose_password' | 'second_factor' | 'security_key';

/**
 * What a signed-in user must do before anything else, as the api's guard requires: choose their
 * own password (an admin set theirs), then set up a second factor (their role requires one),
 * then add a security key (their role signs in with one).
 */
export function accountSetupStep(session: Session | null | undefined): AccountSetupStep | null {
  if (session?.user.mustChangePassword) return 'choose_password';
  if (session?.mustSetUpSecondFactor) return 'second_factor';
  if (session?.mustAddSecurityKey) return 'security_key';
  return null;
}

/** The signed-in user, or null when signed out (a 401 is an answer here, not an error). */
export function useSession() {
  return useQuery<Session | null>({
    queryKey: queryKeys.session,
    queryFn: async () => {
      try {
        return await getSession();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      email,
      password,
      ...proof
    }: { email: string; password: string } & SecondFactorProof) => login(email, password, proof),
    onSuccess: (session) => signedIn(client, session),
  });
}

/**
 * A passkey sign-in, no e-mail or password typed: the browser's prompt then the api, or the
 * answer the person already picked from the e-mail field's autofill.
 */
export function usePasskeyLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (picked?: AuthenticationResponseJSON) =>
      loginWithPasskey(picked ?? (await signWithSecurityKey(await passkeyOptions()))),
    onSuccess: (session) => signedIn(client, session),
  });
}

function signedIn(client: QueryClient, session: Session) {
  forgetAllButSession(client);
  client.setQueryData(queryKeys.session, session);
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      forgetAllButSession(client);
      client.setQueryData(queryKeys.session, null);
    },
  });
}

/**
 * Another user's data must not outlive a sign-in or sign-out. The session query itself stays
 * in the cache (only its data changes) so every component watching it sees the change.
 */
function forgetAllButSession(client: QueryClient): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
}
