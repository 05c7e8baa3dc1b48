import type { GoldenItemDto } from '@sieve/contracts';
import { request, send } from './client';

export type { GoldenItemDto as GoldenItem } from '@sieve/contracts';

export const listGolden = () => request<GoldenItemDto[]>('/golden');
export const markGolden = (input: {
  flagId: string;
  expectedAction: 'approve' | 'remove';
  note?: string;
}) => send<GoldenItemDto>('POST', '/golden', input);
export const retireGolden = (id: string) =>
  send<void>('DELETE', `/golden/${encodeURIComponent(id)}`);
