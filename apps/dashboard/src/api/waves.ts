import type {
  SimilarPostsDto,
  WaveDecisionResultDto,
  WaveDetailDto,
  WaveSummaryDto,
} from '@sieve/contracts';
import { queryString, request, send } from './client';

export type {
  SimilarPostsDto as SimilarPosts,
  WaveDetailDto as WaveDetail,
  WaveSummaryDto as WaveSummary,
} from '@sieve/contracts';

const wavePath = (id: string) => `/waves/${encodeURIComponent(id)}`;

export const listWaves = () => request<WaveSummaryDto[]>('/waves');
export const getWave = (id: string) => request<WaveDetailDto>(wavePath(id));
export const decideWave = (
  id: string,
  input: { action: 'approve' | 'remove'; reason: string; note?: string },
) => send<WaveDecisionResultDto>('POST', `${wavePath(id)}/decision`, input);
export const excludeWaveMember = (id: string, flagId: string) =>
  send<void>('POST', `${wavePath(id)}/members/${encodeURIComponent(flagId)}/exclusion`);
export const findSimilarPosts = (like: { text?: string; flagId?: string }) =>
  request<SimilarPostsDto>(`/waves/similar${queryString(like)}`);
