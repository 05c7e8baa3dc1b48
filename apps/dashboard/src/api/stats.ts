import type { StatsDto } from '@sieve/contracts';
import { queryString, request } from './client';

export type { StatsDto as Stats } from '@sieve/contracts';

export const getStats = (days: number) => request<StatsDto>(`/stats${queryString({ days })}`);
