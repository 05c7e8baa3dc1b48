import { useQueryClient } from '@tanstack/react-query';
import { ChangePasswordForm } from '../components/change-password-form';
import { queryKeys } from '../hooks/query-keys';
import { useSession } from '../hooks/use-session';

/**
 * Shown instead of every page while the user's password is one an admin set (a new account or a
 * reset): the admin knows it, so its owner chooses their own before anything else.
 */
export function ChoosePasswordPage() {
  const session = useSession();
  const client = useQueryClient();
  const user = session.data?.user;
  if (!user) return null;
  return (
    <section className="account-setup">
      <h1>Choose your own password</h1>
      <p>
        Welcome, {user.displayName}. An admin set the password you signed in with, so someone else
        knows it. Choose one only you know to continue.
      </p>
      <ChangePasswordForm
        heading="Your new password"
        currentLabel="The password you signed in with"
        submitLabel="Save and continue"
        onChanged={() => void client.invalidateQueries({ queryKey: queryKeys.session })}
      />
    </section>
  );
}
