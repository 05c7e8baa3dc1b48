import { type FormEvent, useState } from 'react';
import type { WebhookDecision, WebhookDeliveryStatus, WebhookKind } from '@sieve/contracts';
import { WEBHOOK_DECISIONS, WEBHOOK_KINDS, type WebhookEndpoint } from '../../api/webhooks';
import { span, timeAgo, timeUntil } from '../../components/format';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  usePingWebhook,
  useRedeliver,
  useRedeliverFailed,
  useSetWebhookEnabled,
  useWebhooks,
} from '../../hooks/use-webhooks';

const KIND_LABELS: Record<WebhookKind, string> = {
  automatic: 'Automatic decisions',
  reviewer: 'Reviewer decisions',
  precedent: 'Decisions by precedent (automated)',
  appeal: 'Appeal outcomes',
  notice: 'Notices to authors',
  account: 'Account recommendations',
  erasure: 'Erasures on request (one per post)',
  erasure_completed: 'Erasures completed',
};

/** What the state badge does not say: how long, how many, when next. */
function stateDetail(endpoint: WebhookEndpoint): string | null {
  if (endpoint.state === 'disabled')
    return endpoint.disabledAt ? `since ${timeAgo(endpoint.disabledAt)}` : null;
  if (endpoint.state === 'failing') {
    const next = endpoint.retryAt ? `; next try ${timeUntil(endpoint.retryAt)}` : '';
    return `${endpoint.consecutiveFailures} failed in a row${next}`;
  }
  return null;
}

/** Signed webhooks: endpoints, their health, and each one's delivery log. */
export function WebhooksPage() {
  const webhooks = useWebhooks();
  const create = useCreateWebhook();
  const setEnabled = useSetWebhookEnabled();
  const remove = useDeleteWebhook();
  const ping = usePingWebhook();
  const [draft, setDraft] = useState({
    name: '',
    url: '',
    kinds: ['reviewer'] as WebhookKind[],
    decisions: ['review', 'block'] as WebhookDecision[],
  });
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);

  const toggle = <T,>(list: T[], value: T) =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { ...draft, name: draft.name.trim(), url: draft.url.trim() },
      { onSuccess: () => setDraft({ ...draft, name: '', url: '' }) },
    );
  };
  const openEndpoint = webhooks.data?.find((e) => e.id === open);
  const error = create.error ?? setEnabled.error ?? remove.error ?? ping.error;

  return (
    <section>
      <h1>Webhooks</h1>
      <p className="muted">
        For platforms without a Kafka consumer: each decision is POSTed, signed with the endpoint's
        secret, retried with a backoff for a day, and never lost on a restart. How to verify a
        signature: <code>docs/webhooks.md</code>.
      </p>
      {webhooks.isError && (
        <p className="error" role="alert">
          {webhooks.error.message}
        </p>
      )}
      {create.data && (
        <div className="new-token" role="status" data-testid="new-webhook-secret">
          <p>
            <strong>Copy the signing secret for “{create.data.name}” now:</strong> it is not shown
            again.
          </p>
          <code className="secret">{create.data.secret}</code>
        </div>
      )}
      {ping.data && (
        <p role="status" className={ping.data.ok ? 'muted' : 'error'} data-testid="ping-result">
          Test request:{' '}
          {ping.data.ok ? `accepted (HTTP ${ping.data.statusCode})` : `failed — ${ping.data.error}`}
        </p>
      )}
      <table className="queue" data-testid="webhooks">
        <thead>
          <tr>
            <th>Name</th>
            <th>URL</th>
            <th>Sends</th>
            <th>State</th>
            <th>Waiting</th>
            <th>Last success</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {webhooks.data?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No endpoints yet.
              </td>
            </tr>
          )}
          {webhooks.data?.map((endpoint) => (
            <tr key={endpoint.id} data-state={endpoint.state}>
              <td>{endpoint.name}</td>
              <td className="url-cell">{endpoint.url}</td>
              <td>
                {endpoint.kinds.map((k) => KIND_LABELS[k]).join(', ')}
                <div className="muted">{endpoint.decisions.join(', ')}</div>
              </td>
              <td>
                <span className={`badge badge-webhook-${endpoint.state}`}>{endpoint.state}</span>
                {stateDetail(endpoint) && <div className="muted">{stateDetail(endpoint)}</div>}
                {endpoint.disabledReason && <div className="muted">{endpoint.disabledReason}</div>}
              </td>
              <td>
                {endpoint.pending}
                {endpoint.pending > 0 &&
                  ` (oldest ${span(Math.round(endpoint.oldestPendingSeconds))} ago)`}
                {endpoint.failed > 0 && <div className="error">{endpoint.failed} gave up</div>}
              </td>
              <td>{endpoint.lastSuccessAt ? timeAgo(endpoint.lastSuccessAt) : 'never'}</td>
              <td className="actions">
                <button
                  className="link-button"
                  aria-expanded={open === endpoint.id}
                  onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                >
                  Deliveries
                </button>
                <button className="link-button" onClick={() => ping.mutate(endpoint.id)}>
                  Send test
                </button>
                <button
                  className="link-button"
                  onClick={() =>
                    setEnabled.mutate({ id: endpoint.id, enabled: endpoint.state === 'disabled' })
                  }
                >
                  {endpoint.state === 'disabled' ? 'Enable' : 'Disable'}
                </button>
                <button className="link-button" onClick={() => setDeleting(endpoint)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {openEndpoint && <DeliveryLog endpoint={openEndpoint} />}
      {deleting && (
        <div className="confirm" role="dialog" aria-label="Delete the endpoint">
          <p>
            Delete “{deleting.name}”? Its {deleting.pending} waiting deliveries and its log are
            deleted with it.
          </p>
          <button
            className="primary"
            disabled={remove.isPending}
            onClick={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
          >
            Delete
          </button>
          <button className="link-button" onClick={() => setDeleting(null)}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <form onSubmit={submit} className="stack-form" aria-label="Add an endpoint">
        <h2>Add an endpoint</h2>
        <label>
          Name
          <input
            value={draft.name}
            maxLength={100}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            required
          />
        </label>
        <label>
          URL (http or https)
          <input
            type="url"
            value={draft.url}
            maxLength={2048}
            placeholder="https://platform.example/sieve"
            onChange={(e) => setDraft({ ...draft, url: e.target.value })}
            required
          />
        </label>
        <fieldset className="checkbox-column">
          <legend>Messages</legend>
          {WEBHOOK_KINDS.map((kind) => (
            <label key={kind} className="inline">
              <input
                type="checkbox"
                checked={draft.kinds.includes(kind)}
                onChange={() => setDraft({ ...draft, kinds: toggle(draft.kinds, kind) })}
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Decisions</legend>
          {WEBHOOK_DECISIONS.map((decision) => (
            <label key={decision} className="inline">
              <input
                type="checkbox"
                checked={draft.decisions.includes(decision)}
                onChange={() =>
                  setDraft({ ...draft, decisions: toggle(draft.decisions, decision) })
                }
              />
              {decision}
            </label>
          ))}
        </fieldset>
        <button
          type="submit"
          className="primary"
          disabled={create.isPending || draft.kinds.length === 0 || draft.decisions.length === 0}
        >
          Add endpoint
        </button>
      </form>
    </section>
  );
}

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const [status, setStatus] = useState<WebhookDeliveryStatus | undefined>();
  const deliveries = useDeliveries(endpoint.id, status);
  const redeliver = useRedeliver();
  const redeliverFailed = useRedeliverFailed();
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="delivery-log" aria-label={`Deliveries to ${endpoint.name}`}>
      <h2>Deliveries to {endpoint.name}</h2>
      <div className="row">
        <label>
          Show{' '}
          <select
            value={status ?? ''}
            onChange={(e) => setStatus((e.target.value || undefined) as WebhookDeliveryStatus)}
          >
            <option value="">all</option>
            <option value="pending">waiting</option>
            <option value="delivered">delivered</option>
            <option value="failed">gave up</option>
          </select>
        </label>
        {endpoint.failed > 0 && (
          <button
            className="link-button"
            disabled={redeliverFailed.isPending}
            onClick={() => redeliverFailed.mutate(endpoint.id)}
          >
            Send the {endpoint.failed} that gave up again
          </button>
        )}
      </div>
      <table className="queue" data-testid="deliveries">
        <thead>
          <tr>
            <th>Queued</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {deliveries.isPending ? 'Loading…' : 'Nothing here.'}
              </td>
            </tr>
          )}
          {items.map((d) => (
            <tr key={d.id}>
              <td title={d.createdAt}>{timeAgo(d.createdAt)}</td>
              <td>{d.kind}</td>
              <td>
                {d.status === 'failed' ? 'gave up' : d.status}
                {d.nextAttemptAt && (
                  <div className="muted" title={d.nextAttemptAt}>
                    next try {timeUntil(d.nextAttemptAt)}
                  </div>
                )}
              </td>
              <td>{d.attempts}</td>
              {/* The error names the status, and the receiver's own words when it gave any. */}
              <td className="delivery-answer">
                {d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '')}
              </td>
              <td>
                <button
                  className="link-button"
                  disabled={redeliver.isPending}
                  onClick={() => redeliver.mutate({ id: endpoint.id, deliveryId: d.id })}
                >
                  Send again
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deliveries.hasNextPage && (
        <button className="link-button" onClick={() => void deliveries.fetchNextPage()}>
          Older
        </button>
      )}
    </section>
  );
}
