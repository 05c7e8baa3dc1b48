import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AppealOutcome } from '@sieve/moderation';
import type { Appeal, AppealStatus } from '../../api/appeals';
import { CategoryChips } from '../../components/category-chips';
import { TabList } from '../../components/tab-list';
import { timeAgo } from '../../components/format';
import { useAppeals, useDecideAppeal } from '../../hooks/use-appeals';
import { useSession } from '../../hooks/use-session';
import { useContentFilter } from '../../hooks/use-wellness';

const TABS: { value: AppealStatus; label: string }[] = [
  { value: 'open', label: 'Waiting' },
  { value: 'overturned', label: 'Overturned' },
  { value: 'upheld', label: 'Upheld' },
];

/**
 * Authors' appeals against removals and automatic blocks. The reviewer who made the appealed
 * decision sees the appeal but cannot decide it.
 */
export function AppealsPage() {
  const [status, setStatus] = useState<AppealStatus>('open');
  const appeals = useAppeals(status);
  const items = appeals.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <h1>Appeals</h1>
      <p className="muted">
        Authors disagreeing with a removal or an automatic block, as their platform sent it. The
        outcome is sent to the platform; overturning restores the post.
      </p>
      <TabList label="Appeals by status" tabs={TABS} selected={status} onSelect={setStatus} />
      {appeals.isError && (
        <p className="error" role="alert">
          {appeals.error.message}
        </p>
      )}
      {appeals.isSuccess && items.length === 0 && (
        <p className="empty">
          {status === 'open' ? 'No appeals are waiting.' : 'None in this list yet.'}
        </p>
      )}
      <ul className="appeal-list" data-testid="appeals">
        {items.map((appeal) => (
          <AppealCard key={appeal.id} appeal={appeal} />
        ))}
      </ul>
      {appeals.hasNextPage && (
        <button className="link-button" onClick={() => void appeals.fetchNextPage()}>
          More
        </button>
      )}
    </section>
  );
}

function AppealCard({ appeal }: { appeal: Appeal }) {
  const filterOf = useContentFilter();
  const [revealed, setRevealed] = useState(false);
  const mode = revealed ? 'show' : filterOf(appeal.post.triggered);
  const blurred = mode === 'blur';
  // An automated removal with a reason was Sieve's by precedent; without one, a block.
  const appealed =
    appeal.appealed.kind === 'automatic'
      ? appeal.appealed.reason
        ? `Removed automatically. ${appeal.appealed.reason}`
        : 'Blocked automatically'
      : `Removed by ${appeal.appealed.reviewer ?? 'a former user'}: ${appeal.appealed.reason ?? ''}`;
  return (
    <li className="appeal-card" data-testid="appeal" aria-label={`Appeal ${appeal.appealId}`}>
      <div className="appeal-head">
        <CategoryChips triggered={appeal.post.triggered} />
        <span className="muted">
          {appeal.source} · event {appeal.eventId} · appealed {timeAgo(appeal.submittedAt)}
        </span>
        <Link to={`/flags/${appeal.flagId}`}>Open the item</Link>
      </div>
      <div className="appeal-body">
        <div>
          <h3>The post</h3>
          {appeal.post.erasedAt ? (
            <p className="post-erased" data-testid="post-erased">
              The text was erased at the author's request on{' '}
              {new Date(appeal.post.erasedAt).toLocaleDateString()}. The scores and decisions stay.
            </p>
          ) : mode === 'warn' ? (
            <div className="content-warning" role="note">
              <p>
                <strong>Content warning.</strong> You asked to be warned before posts like this.
              </p>
              <button className="reveal-warned" onClick={() => setRevealed(true)}>
                Show the post
              </button>
            </div>
          ) : (
            <div className="post-wrap">
              <blockquote
                className={`post-text ${blurred ? 'blurred' : ''} ${mode === 'greyscale' ? 'greyscale' : ''}`}
                aria-hidden={blurred}
              >
                {appeal.post.text}
              </blockquote>
              {blurred && (
                <button className="reveal" onClick={() => setRevealed(true)}>
                  Sensitive content — reveal
                </button>
              )}
            </div>
          )}
          <p className="appeal-appealed">{appealed}</p>
        </div>
        <div>
          <h3>The author says</h3>
          {appeal.statement ? (
            <blockquote className="appeal-statement">{appeal.statement}</blockquote>
          ) : (
            <p className="post-erased">Erased at the author's request.</p>
          )}
          <p className="muted small">Sent by {appeal.submittedBy}</p>
        </div>
      </div>
      {appeal.status === 'open' ? (
        <AppealDecision appeal={appeal} />
      ) : (
        <p className={`appeal-outcome outcome-${appeal.status}`}>
          {appeal.status === 'overturned' ? 'Overturned' : 'Upheld'} by{' '}
          {appeal.decidedBy ?? 'a former user'} {appeal.decidedAt && timeAgo(appeal.decidedAt)}:{' '}
          {appeal.outcomeReason}
        </p>
      )}
    </li>
  );
}

function AppealDecision({ appeal }: { appeal: Appeal }) {
  const session = useSession();
  const decide = useDecideAppeal();
  const [outcome, setOutcome] = useState<AppealOutcome | null>(null);
  const [reason, setReason] = useState('');
  const mine = session.data?.user.id === appeal.appealed.reviewerId;
  if (mine) {
    return (
      <p className="muted" data-testid="own-decision">
        You made the appealed decision: another reviewer decides this appeal.
      </p>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome || !reason.trim()) return;
    decide.mutate({ id: appeal.id, input: { outcome, reason: reason.trim() } });
  };
  return (
    <form className="appeal-decision" onSubmit={submit} aria-label="Decide the appeal">
      <fieldset>
        <legend>Outcome</legend>
        <label className="inline">
          <input
            type="radio"
            name={`outcome-${appeal.id}`}
            checked={outcome === 'overturned'}
            onChange={() => setOutcome('overturned')}
          />
          Overturn — restore the post
        </label>
        <label className="inline">
          <input
            type="radio"
            name={`outcome-${appeal.id}`}
            checked={outcome === 'upheld'}
            onChange={() => setOutcome('upheld')}
          />
          Uphold — it stays removed
        </label>
      </fieldset>
      <label>
        Reason (the author will see it through the platform)
        <textarea
          rows={2}
          maxLength={1000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
        />
      </label>
      {decide.error && (
        <p className="error" role="alert">
          {decide.error.message}
        </p>
      )}
      <button
        type="submit"
        className="primary"
        disabled={!outcome || !reason.trim() || decide.isPending}
      >
        Decide the appeal
      </button>
    </form>
  );
}
