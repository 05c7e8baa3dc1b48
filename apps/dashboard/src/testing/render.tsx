import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { LastDecisionProvider } from '../features/review/last-decision';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { SessionDto } from '@sieve/contracts';
import type { SystemInfo } from '../api/system';
import { queryKeys } from '../hooks/query-keys';

export const SYSTEM_INFO: SystemInfo = {
  scorer: { kind: 'offline', model: 'sieve-offline-lexicon-v1', label: 'offline' },
  review: {
    reasons: {
      approve: ['Not harmful', 'Satire'],
      remove: ['Spam', 'Threat of violence'],
      escalate: ['Legal risk'],
    },
    claimLeaseSeconds: 300,
    undoWindowSeconds: 60,
    slaMinutes: 60,
  },
  policies: { confirmChangePercent: 50 },
  categorySet: 'mistral-moderation-2603',
  categories: [
    { name: 'pii', label: 'Personal data', description: '', sensitive: false },
    { name: 'violence_and_threats', label: 'Violence & threats', description: '', sensitive: true },
  ],
  judge: { kind: 'offline', model: 'sieve-offline-similarity-v1' },
  policyVersion: 1,
};

/** A signed-in reviewer, Rita (id `me`). */
export function reviewerSession(
  preferences: Partial<SessionDto['user']['preferences']> = {},
): SessionDto {
  return {
    user: {
      id: 'me',
      email: 'r@sieve.local',
      displayName: 'Rita',
      role: 'reviewer',
      disabled: false,
      mustChangePassword: false,
      secondFactorEnabled: false,
      preferences: { blurSensitive: false, savedViews: [], contentFilters: {}, ...preferences },
      createdAt: new Date().toISOString(),
    },
    csrfToken: 'csrf',
    mustSetUpSecondFactor: false,
    mustAddSecurityKey: false,
  };
}

/** Renders with a query cache that already knows the installation (no network). */
export function renderWithSystem(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.system, SYSTEM_INFO);
  return render(
    <QueryClientProvider client={client}>
      <LastDecisionProvider>{ui}</LastDecisionProvider>
    </QueryClientProvider>,
  );
}
