import type { TriggeredCategory } from '@sieve/moderation';
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

/** Open waves above the queue: one row for many near-duplicate posts. */
export function WaveRows({ waves, now }: { waves: WaveSummary[]; now: number }) {
  const filterOf = useContentFilter();
  if (waves.length === 0) return null;
  return (
    <section aria-labelledby="waves-title" className="waves">
      <h2 id="waves-title">
        Waves <span className="muted small">near-duplicate posts, decided together</span>
      </h2>
      <table className="queue" data-testid="waves">
        <thead>
          <tr>
            <th>Posts like</th>
            <th>Size</th>
            <th>Authors</th>
            <th>Growth</th>
            <th>Seen</th>
          </tr>
        </thead>
        <tbody>
          {waves.map((wave) => (
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
              <td>{wave.authors}</td>
              <td>{wave.growthPerMinute > 0 ? `+${wave.growthPerMinute}/min` : '—'}</td>
              <td className="muted small">
                {timeAgo(wave.firstSeenAt, now)} – {timeAgo(wave.lastSeenAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
