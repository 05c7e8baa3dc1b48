import type { RoutingRule } from '@sieve/moderation';
import type { Role } from './roles';

/** oldest first; highest score first; priority: score raised by the author's strike level. */
export const QUEUE_ORDERINGS = ['oldest', 'severity', 'priority'] as const;
export type QueueOrdering = (typeof QUEUE_ORDERINGS)[number];

export interface QueueDto {
  id: string;
  name: string;
  description: string;
  /** Everyone at this role or above is a member; null: only the listed members. */
  memberRole: Exclude<Role, 'viewer'> | null;
  memberIds: string[];
  leadIds: string[];
  /** The least role that may decide its items. */
  decideRole: Exclude<Role, 'viewer'>;
  slaMinutes: number;
  ordering: QueueOrdering;
  /** Share (0–1) of "next item" answers that are a golden item the reviewer has not seen. */
  goldenRate: number;
  /** Share (0–1) of approvals and removals given blind to a second reviewer. */
  secondReviewRate: number;
  builtIn: boolean;
  /** For the caller: whether they are a member (sees it, takes work from it) or a lead. */
  member: boolean;
  lead: boolean;
  /** Waiting now: open and unclaimed, claimed, and the oldest waiting item's flag time. */
  waiting: number;
  claimed: number;
  oldestWaitingAt: string | null;
}

export interface QueueMemberDto {
  id: string;
  displayName: string;
  role: Role;
}

export interface RoutingVersionDto {
  version: number;
  rules: RoutingRule[];
  qaShares: Record<string, number>;
  changeNote: string | null;
  publishedBy: string | null;
  publishedAt: string;
}

/** What a rule set would have done: flags per queue over the last day and week, beside live. */
export interface RoutingPreviewDto {
  windows: {
    window: '24h' | '7d';
    since: string;
    flags: number;
    /** queue id → flags routed there by the proposed rules and by the live ones. */
    proposed: Record<string, number>;
    live: Record<string, number>;
    /** Automatic blocks the proposed QA shares would close without review. */
    closedByAutomation: number;
  }[];
}
