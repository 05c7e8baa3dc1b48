import { useQueryClient } from '@tanstack/react-query';
import { SecondFactorSetup } from '../features/account/second-factor-setup';
import { queryKeys } from '../hooks/query-keys';
import { useSession } from '../hooks/use-session';

/** Shown instead of every page while the user's role requires a second factor they lack. */
export function SetUpSecondFactorPage() {
  const session = useSession();
  const client = useQueryClient();
  const user = session.data?.user;
  if (!user) return null;
  return (
    <section className="account-setup">
      <h1>Set up two-step sign-in</h1>
      <p>
        Welcome, {user.displayName}. Your role needs a second step at sign-in: the code from an
        authenticator app on your phone, as well as your password. Set it up to continue.
      </p>
      <SecondFactorSetup
        onDone={() => void client.invalidateQueries({ queryKey: queryKeys.session })}
      />
    </section>
  );
}
