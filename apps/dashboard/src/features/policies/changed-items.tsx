import type { BacktestSamplesDto } from '@sieve/contracts';
import { Link } from 'react-router-dom';
import { ERASED_TEXT } from '../../components/format';

export interface ChangedItem {
  eventId: string;
  source: string;
  text: string;
  flagId: string | null;
  /** e.g. "review → allow". */
  change: string;
  categories: string[];
}

/** Events two policies decide differently, each linked to its item view when it was flagged. */
export function ChangedItems({ items, testId }: { items: ChangedItem[]; testId?: string }) {
  return (
    <ul className="samples" data-testid={testId}>
      {items.map((item) => (
        <li key={`${item.source}/${item.eventId}`}>
          <span className="muted small">
            {item.source} · {item.change}
            {item.categories.length > 0 && ` · ${item.categories.join(', ')}`}
          </span>
          {/* Ingest refuses empty texts: an empty one was erased. */}
          <span className="sample-text">{item.text || ERASED_TEXT}</span>
          {item.flagId && <Link to={`/flags/${item.flagId}`}>open</Link>}
        </li>
      ))}
    </ul>
  );
}

/** The recent events a draft would start or stop flagging. */
export function Samples({ samples }: { samples: BacktestSamplesDto }) {
  const list = (title: string, items: BacktestSamplesDto['newlyFlagged'], testId: string) => (
    <div data-testid={testId}>
      <h3>
        {title} ({items.length})
      </h3>
      {items.length === 0 && (
        <p className="muted small">None among the most recent 5,000 events.</p>
      )}
      <ChangedItems
        items={items.map((s) => ({ ...s, change: `${s.liveDecision} → ${s.draftDecision}` }))}
      />
    </div>
  );
  return (
    <div className="sample-lists">
      {list('Would newly flag', samples.newlyFlagged, 'samples-new')}
      {list('Would stop flagging', samples.noLongerFlagged, 'samples-gone')}
    </div>
  );
}
