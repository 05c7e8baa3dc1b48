import { useQueryClient } from '@tanstack/react-query';
import { ChangePasswordForm } from '../components/change-password-form';
import { SecondFactorSetup } from '../features/account/second-factor-setup';
import { SecurityKeysSection } from '../features/account/security-keys-section';
import { queryKeys } from '../hooks/query-keys';
import { type AccountSetupStep, useSession } from '../hooks/use-session';

/**
 * Shown instead of every page while the account has a step to take first (accountSetupStep):
 * the api admits nothing else until it is done, and the session says what is next.
 */
export function AccountSetupPage({ step }: { step: AccountSetupStep }) {
  const session = useSession();
  const client = useQueryClient();
  const user = session.data?.user;
  if (!user) return null;
  const done = () => void client.invalidateQueries({ queryKey: queryKeys.session });
  return step === 'choose_password' ? (
    <section>
      <h1>Choose your own password</h1>
      <p>
        Welcome, {user.displayName}. An admin set the password you signed in with, so someone else
        knows it. Choose one only you know to continue.
      </p>
      <ChangePasswordForm
        heading="Your new password"
        currentLabel="The password you signed in with"
        submitLabel="Save and continue"
        onChanged={done}
      />
    </section>
  ) : step === 'security_key' ? (
    <section>
      <h1>Add a security key</h1>
      <p>
        Welcome, {user.displayName}. Your role signs in with a security key or a passkey rather than
        a code from the app: a look-alike site can ask for a code, but it cannot use your key. Add
        one to continue. Keep your recovery codes: they are the way in if you lose it.
      </p>
      <SecurityKeysSection onAdded={done} />
    </section>
  ) : (
    <section>
      <h1>Set up two-step sign-in</h1>
      <p>
        Welcome, {user.displayName}. Your role needs a second step at sign-in: the code from an
        authenticator app on your phone, as well as your password. Set it up to continue.
      </p>
      <SecondFactorSetup onDone={done} />
    </section>
  );
}
