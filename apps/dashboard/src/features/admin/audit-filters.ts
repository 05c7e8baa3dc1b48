import { useAddressParams } from '../../hooks/use-address-params';
import type { AuditFilters } from '../../api/audit';

/** The families of audited actions, as the action filter offers them (a value is a prefix). */
export const ACTION_GROUPS: { label: string; actions: { value: string; label: string }[] }[] = [
  {
    label: 'Accounts',
    actions: [
      { value: 'auth', label: 'Sign-ins, sign-outs and failures' },
      { value: 'auth.login_failed', label: 'Failed sign-ins' },
      { value: 'auth.login_locked', label: 'Locked sign-ins' },
      { value: 'user', label: 'User changes' },
      { value: 'user.second_factor', label: 'Two-step sign-in set up, off or removed' },
      { value: 'user.security_key', label: 'Security keys added or removed' },
      { value: 'auth.session', label: 'Sessions ended by their owner' },
      { value: 'token', label: 'API tokens' },
    ],
  },
  {
    label: 'Review',
    actions: [
      { value: 'flag', label: 'Flags: claims, decisions, notes, moves' },
      { value: 'flag.decided', label: 'Decisions by reviewers' },
      { value: 'flag.decision_undone', label: 'Decisions undone' },
      { value: 'flag.decided_by_precedent', label: 'Decisions by precedent' },
      { value: 'wave', label: 'Waves' },
      { value: 'appeal', label: 'Appeals' },
      { value: 'statement', label: 'Statements of reasons' },
      { value: 'golden', label: 'Golden set' },
    ],
  },
  {
    label: 'Configuration',
    actions: [
      { value: 'policy', label: 'Policies' },
      { value: 'policy.published', label: 'Policies published' },
      { value: 'policy.rolled_back', label: 'Policies rolled back' },
      { value: 'queue', label: 'Queues' },
      { value: 'routing', label: 'Routing' },
      { value: 'webhook', label: 'Webhooks' },
    ],
  },
  {
    label: 'Data',
    actions: [
      { value: 'retention', label: 'Retention runs' },
      { value: 'author.erased', label: 'Erasures' },
      { value: 'dead_letters', label: 'Dead-letter replays' },
    ],
  },
];

/** The filters the address holds; dates are days (`2026-12-07`) in the reader's time zone. */
export interface AuditView {
  action?: string;
  actorId?: string;
  objectType?: string;
  objectId?: string;
  fromDay?: string;
  toDay?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Local midnight at the start of `day`, `plusDays` later, as an instant. */
function startOf(day: string, plusDays = 0): string | undefined {
  if (!DAY.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const at = new Date(y, m - 1, d + plusDays);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** What to ask the api for: the view's days become instants, `toDay` included whole. */
export function toAuditFilters(view: AuditView): AuditFilters {
  const filters: AuditFilters = {
    action: view.action,
    actorId: view.actorId,
    objectType: view.objectType,
    objectId: view.objectType ? view.objectId : undefined,
    from: view.fromDay ? startOf(view.fromDay) : undefined,
    to: view.toDay ? startOf(view.toDay, 1) : undefined,
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''),
  ) as AuditFilters;
}

const KEYS = ['action', 'actorId', 'objectType', 'objectId', 'fromDay', 'toDay'] as const;

/**
 * The audit log's filters live in the address, so an admin can share "everything done to this
 * flag" or "what this user did last week" as a link.
 */
export function useAuditView() {
  const [params, changeParams] = useAddressParams();
  const view: AuditView = Object.fromEntries(
    KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k) as string]] : [])),
  );
  const change = (patch: Partial<AuditView>) =>
    changeParams((next) => {
      for (const [key, value] of Object.entries(patch))
        if (value) next.set(key, value);
        else next.delete(key);
    });
  return { view, change };
}
