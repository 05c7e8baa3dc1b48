import type { CategoryDefinition, ReviewerAction } from '@sieve/moderation';

export interface ScorerInfo {
  kind: 'mistral' | 'offline';
  /** The model that produces scores, as recorded with each scored event. */
  model: string;
  /** For people: shown in the dashboard and the start-up log. */
  label: string;
}

/** What the dashboard needs to know about this installation, e.g. whether scores are Mistral's. */
export interface SystemInfoDto {
  scorer: ScorerInfo;
  review: {
    reasons: Record<ReviewerAction, string[]>;
    claimLeaseSeconds: number;
    undoWindowSeconds: number;
    /** Flags waiting longer than this are overdue. */
    slaMinutes: number;
  };
  categorySet: string;
  categories: CategoryDefinition[];
  policyVersion: number;
}
