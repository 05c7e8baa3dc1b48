import type { AuditFilters } from '../api/audit';
import type { FlagFilters } from '../api/flags';

/**
 * Every TanStack Query key, in one place, so invalidation is obvious. Live flag events refresh
 * the queue's lists and counts and the flags they name (useFlagEvents); nothing else under
 * `flags`, and nothing outside it.
 */
export const queryKeys = {
  session: ['session'] as const,
  /** Where the signed-in user is signed in (the account page). */
  signedInSessions: ['signed-in-sessions'] as const,
  securityKeys: ['security-keys'] as const,
  /** Public: whether the sign-in page offers a passkey. */
  signInMethods: ['sign-in-methods'] as const,
  system: ['system'] as const,
  flagLists: ['flags', 'list'] as const,
  flags: (filters: FlagFilters) => ['flags', 'list', filters] as const,
  flag: (id: string) => ['flags', 'detail', id] as const,
  /** Under the lists: a flag event (a member arriving, decided, excluded) refreshes waves too. */
  waves: ['flags', 'list', 'waves'] as const,
  wave: (id: string) => ['flags', 'list', 'wave', id] as const,
  similarPosts: (like: { text?: string; flagId?: string }) => ['similar-posts', like] as const,
  allFlagCounts: ['flags', 'counts'] as const,
  flagCounts: (filters: FlagFilters) => ['flags', 'counts', filters] as const,
  /** The author's other posts and similar decisions: they do not change as the queue moves. */
  flagContext: (id: string) => ['flag-context', id] as const,
  explanation: (flagId: string) => ['explanation', flagId] as const,
  stats: (days: number) => ['stats', days] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  allAppeals: ['appeals'] as const,
  strikes: (source: string, authorId: string) => ['strikes', source, authorId] as const,
  repeatOffenders: (level: string) => ['repeat-offenders', level] as const,
  statements: (flagId: string) => ['statements', flagId] as const,
  statementBacklog: ['statements', 'backlog'] as const,
  appeals: (status: string) => ['appeals', 'list', status] as const,
  appealCount: ['appeals', 'count'] as const,
  flagAppeals: (flagId: string) => ['appeals', 'flag', flagId] as const,
  /** Endpoints, and under them each endpoint's delivery log. */
  webhooks: ['webhooks'] as const,
  webhookDeliveries: (id: string, status?: string) =>
    ['webhooks', 'deliveries', id, status ?? 'all'] as const,
  queues: ['queues'] as const,
  queueMembers: (id: string) => ['queues', 'members', id] as const,
  queuePeople: ['queues', 'people'] as const,
  routing: ['routing'] as const,
  golden: ['golden'] as const,
  audit: (filters: AuditFilters) => ['audit', filters] as const,
  policies: ['policies'] as const,
  backtest: (from: string, to: string) => ['policies', 'backtest', from, to] as const,
  shadow: (version: number) => ['policies', 'shadow', version] as const,
  allShadows: ['policies', 'shadow'] as const,
  evaluations: (name: string) => ['policies', 'evaluations', name] as const,
  judging: ['judging'] as const,
  transparency: (from: string, to: string, period: string) =>
    ['transparency', from, to, period] as const,
  retention: ['retention'] as const,
  erasures: ['erasures'] as const,
};
