import type {
  ClaimDto,
  QueueDto,
  QueueMemberDto,
  RoutingPreviewDto,
  RoutingVersionDto,
} from '@sieve/contracts';
import type { RoutingRule } from '@sieve/moderation';
import { request, send } from './client';

export type {
  QueueDto as Queue,
  QueueMemberDto as QueueMember,
  QueueOrdering,
  RoutingPreviewDto as RoutingPreview,
  RoutingVersionDto as RoutingVersion,
} from '@sieve/contracts';
export { QUEUE_ORDERINGS } from '@sieve/contracts';
export type { RoutingRule } from '@sieve/moderation';

export type QueueInput = Pick<
  QueueDto,
  | 'name'
  | 'description'
  | 'memberRole'
  | 'memberIds'
  | 'leadIds'
  | 'decideRole'
  | 'slaMinutes'
  | 'ordering'
  | 'goldenRate'
  | 'secondReviewRate'
>;

export interface RoutingInput {
  rules: RoutingRule[];
  qaShares: Record<string, number>;
}

const queuePath = (id: string) => `/queues/${encodeURIComponent(id)}`;

export const listQueues = () => request<QueueDto[]>('/queues');
export const queueMembers = (id: string) => request<QueueMemberDto[]>(`${queuePath(id)}/members`);
export const queuePeople = () => request<QueueMemberDto[]>('/queues/people');
export const createQueue = (queue: QueueInput & { id: string }) =>
  send<QueueDto>('POST', '/queues', queue);
export const updateQueue = (id: string, changes: Partial<QueueInput>) =>
  send<QueueDto>('PATCH', queuePath(id), changes);
export const routingVersions = () => request<RoutingVersionDto[]>('/routing');
export const previewRouting = (routing: RoutingInput) =>
  send<RoutingPreviewDto>('POST', '/routing/preview', routing);
export const publishRouting = (routing: RoutingInput & { changeNote: string }) =>
  send<RoutingVersionDto>('POST', '/routing', routing);
export const moveFlag = (flagId: string, queue: string, reason: string) =>
  send<{ queue: string }>('POST', `/flags/${encodeURIComponent(flagId)}/queue`, { queue, reason });
export const assignFlag = (flagId: string, userId: string) =>
  send<ClaimDto>('POST', `/flags/${encodeURIComponent(flagId)}/assignment`, { userId });
