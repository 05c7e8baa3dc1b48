import { useQueryClient } from '@tanstack/react-query';
import { ChangePasswordForm } from '../components/change-password-form';
import { SecondFactorSetup } from '../features/account/second-factor-setup';
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
