import { Link } from 'react-router-dom';
import { useJudgingStatus } from '../hooks/use-policies';

/**
 * When the judge's budget or rate cap is used up, events that need judging go to review
 * unjudged: reviewers and policy teams see why their queue grows.
 */
export function JudgeBanner() {
  const { data } = useJudgingStatus();
  if (!data?.exhausted) return null;
  return (
    <div className="banner banner-alert" role="alert" data-testid="judge-banner">
      <strong>
        {data.exhausted === 'budget_exhausted'
          ? `The custom-category judge has spent today's budget ($${data.budgetUsd}).`
          : `The custom-category judge is at its rate cap (${data.maxCallsPerMinute} calls a minute).`}
      </strong>{' '}
      Posts that need judging come to review unjudged until{' '}
      {data.exhausted === 'budget_exhausted' ? 'midnight UTC' : 'the rate falls'}.{' '}
      <Link to="/stats">See the spend</Link>
    </div>
  );
}
