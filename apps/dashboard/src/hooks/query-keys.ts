import type { AuditFilters } from '../api/audit';
import type { FlagFilters } from '../api/flags';

/** Every TanStack Query key, in one place, so invalidation is obvious. */
export const queryKeys = {
  session: ['session'] as const,
  system: ['system'] as const,
  flags: (filters: FlagFilters) => ['flags', 'list', filters] as const,
  flag: (id: string) => ['flags', 'detail', id] as const,
  flagCounts: (filters: FlagFilters) => ['flags', 'counts', filters] as const,
  users: ['users'] as const,
  audit: (filters: AuditFilters) => ['audit', filters] as const,
  policies: ['policies'] as const,
  backtest: (from: string, to: string) => ['policies', 'backtest', from, to] as const,
  shadow: (version: number) => ['policies', 'shadow', version] as const,
};
