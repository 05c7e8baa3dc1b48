import type { TriggeredCategory } from '@sieve/moderation';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { WaveSummary } from '../../api/waves';
import { timeAgo } from '../../components/format';
import { useContentFilter } from '../../hooks/use-wellness';
import { FilteredLine } from '../queue/queue-table';

export const CAMPAIGN_REASONS: Record<NonNullable<WaveSummary['raised']>['reason'], string> = {
  fast_growth: 'growing fast',
  many_authors: 'many authors',
  fast_growth_many_authors: 'growing fast, many authors',
};

/** The content filter takes triggered categories; a wave knows its members' categories. */
export const asTriggered = (categories: string[]) =>
  categories.map((category) => ({ category }) as TriggeredCategory);

/** How many waves show above the queue before "Show all": campaigns always show. */
export const WAVES_SHOWN = 5;

/**
 * Open waves above the queue: one row for many near-duplicate posts. The api lists campaigns
 * first, then the largest; beyond the first few, the rest wait behind a button so the queue
 * itself stays in view.
 */
export function WaveRows({ waves, now }: { waves: WaveSummary[]; now: number }) {
  const filterOf = useContentFilter();
  const [showAll, setShowAll] = useState(false);
  if (waves.length === 0) return null;
  const collapsed = waves.filter((wave, i) => i < WAVES_SHOWN || wave.raised);
  const more = waves.length - collapsed.length;
  const shown = showAll ? waves : collapsed;
  return (
    <section aria-labelledby="waves-title" className="waves">
      <h2 id="waves-title">
        Waves <span className="muted small">near-duplicate posts, decided together</span>
      </h2>
      <table className="queue" data-testid="waves">
        <thead>
          <tr>
            <th className="col-post">Posts like</th>
            <th>Size</th>
            <th className="col-authors">Authors</th>
            <th className="col-growth">Growth</th>
            <th>Seen</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((wave) => (
            <tr key={wave.id} data-testid="wave-row" className={wave.raised ? 'raised' : undefined}>
              <td>
                {wave.raised && (
                  <span
                    className="badge badge-escalated"
                    title={CAMPAIGN_REASONS[wave.raised.reason]}
                  >
                    Campaign
                  </span>
                )}{' '}
                <Link to={`/waves/${wave.id}`} className="post-link">
                  <FilteredLine
                    text={wave.samples[0] ?? '(erased)'}
                    mode={filterOf(asTriggered(wave.categories))}
                  />
                </Link>
              </td>
              <td data-testid="wave-size">{wave.size} posts</td>
              <td className="col-authors">{wave.authors}</td>
              <td className="col-growth">
                {wave.growthPerMinute > 0 ? `+${wave.growthPerMinute}/min` : '—'}
              </td>
              <td className="muted small">
                {timeAgo(wave.firstSeenAt, now)} – {timeAgo(wave.lastSeenAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more > 0 && (
        <button
          className="link-button"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
          data-testid="waves-toggle"
        >
          {showAll ? 'Show fewer waves' : `Show all ${waves.length} waves (${more} more)`}
        </button>
      )}
    </section>
  );
}
