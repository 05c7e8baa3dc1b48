/** A golden item: a decided flag, the outcome expected of a reviewer, and how reviewers did. */
export interface GoldenItemDto {
  id: string;
  flagId: string;
  text: string;
  expectedAction: 'approve' | 'remove';
  note: string | null;
  active: boolean;
  createdAt: string;
  /** Copies reviewers decided, and how many reached the expected outcome. */
  answered: number;
  correct: number;
}

/** Golden accuracy and second-review agreement for one reviewer or one category. */
export interface QualityFiguresDto {
  goldenAnswered: number;
  goldenCorrect: number;
  /** Decisions made again blind by a second reviewer (pairs behind kappa). */
  secondReviews: number;
  /** Share of those where both chose the same. */
  agreement: number | null;
  /** Cohen's kappa over those pairs (null without any). */
  kappa: number | null;
}

export interface QualityStatsDto {
  byReviewer: (QualityFiguresDto & { reviewer: string })[];
  byCategory: (QualityFiguresDto & { category: string })[];
}
