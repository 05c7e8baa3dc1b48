import { Link } from 'react-router-dom';
import { useWebhooks } from '../hooks/use-webhooks';

/** A disabled webhook endpoint is never silent: every admin sees it on every page. */
export function WebhooksBanner({ isAdmin }: { isAdmin: boolean }) {
  const { data } = useWebhooks(isAdmin);
  const disabled = data?.filter((e) => e.state === 'disabled') ?? [];
  if (!isAdmin || disabled.length === 0) return null;
  const waiting = disabled.reduce((sum, e) => sum + e.pending, 0);
  return (
    <div className="banner banner-alert" role="alert" data-testid="webhooks-banner">
      {disabled.map((e) => (
        <div key={e.id}>
          <strong>Webhook endpoint “{e.name}” is disabled</strong> (
          {e.disabledReason ?? 'no reason given'}
          ); nothing is sent to it.
        </div>
      ))}
      {waiting > 0 &&
        `${waiting} ${waiting === 1 ? 'message is' : 'messages are'} waiting to be sent. `}
      <Link to="/admin/webhooks">Review and enable</Link>
    </div>
  );
}
