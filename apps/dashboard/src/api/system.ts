import type { CategoryDefinition } from '@sieve/moderation';
import { request } from './client';

export interface SystemInfo {
  scorer: { kind: 'mistral' | 'offline'; model: string; label: string };
  categorySet: string;
  categories: CategoryDefinition[];
  policyVersion: number;
}

export const getSystemInfo = () => request<SystemInfo>('/system');
