import type { CategoryDefinition } from '@sieve/moderation';
import { request } from './client';
import type { ReviewerAction } from './flags';

export interface SystemInfo {
  scorer: { kind: 'mistral' | 'offline'; model: string; label: string };
  review: {
    reasons: Record<ReviewerAction, string[]>;
    claimLeaseSeconds: number;
    undoWindowSeconds: number;
  };
  categorySet: string;
  categories: CategoryDefinition[];
  policyVersion: number;
}

export const getSystemInfo = () => request<SystemInfo>('/system');
