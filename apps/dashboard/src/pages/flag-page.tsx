import type { ContentFilter } from '@sieve/moderation';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { hasRole } from '../api/auth';
import { ApiError } from '../api/client';
import { releaseFlag, type Decision, type FlagDetail } from '../api/flags';
import { CategoryChips } from '../components/category-chips';
import { DecisionPanel } from '../components/decision-panel';
import { AuthorContext, SimilarDecisions } from '../components/author-context';
import { EraseAuthorControl } from '../features/authors/erase-author-control';
import { ExplanationPanel } from '../components/explanation-panel';
import { JudgementsPanel } from '../components/judgements-panel';
import { HighlightedText, QUOTED } from '../components/highlighted-text';
import { timeAgo } from '../components/format';
import { ScoreChart } from '../components/score-chart';
import { StatusBadge } from '../components/status-badge';
import { useFlag } from '../hooks/use-flags';
import { StatementPanel } from '../features/statements/statement-panel';
import { useFlagAppeals } from '../hooks/use-appeals';
import { useHotkeys } from '../hooks/use-hotkeys';
import { useReviewActions } from '../hooks/use-review';
import { useSession } from '../hooks/use-session';
import { useSystemInfo } from '../hooks/use-system';
import { useContentFilter } from '../hooks/use-wellness';
import { useCategoryLabel } from '../hooks/use-system';
import { queueMemory } from '../features/queue/queue-memory';
import { useLastDecision } from '../features/review/last-decision';
import { GoldenControl } from '../features/quality/golden-control';
import { LeadActions } from '../features/queues/lead-actions';
import { useQueues } from '../hooks/use-queues';

const PAST: Record<Decision['action'], string> = {
  approve: 'Approved',
  remove: 'Removed',
  escalate: 'Escalated',
};

/** Opens the next flag of the queue the reviewer came from, or that queue when it is done. */
function useNextFlag(currentId: string) {
  const navigate = useNavigate();
  return async () => {
    const next = await queueMemory.next(currentId);
    void navigate(next ? `/flags/${next}` : queueMemory.path(), {
      state: next ? undefined : { queueEmpty: true },
    });
  };
}

export function FlagPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const flag = useFlag(id);
  const session = useSession();
  const system = useSystemInfo();
  const actions = useReviewActions(id);
  const goNext = useNextFlag(id);
  const lastDecision = useLastDecision();
  const last = lastDecision.last?.flagId === id ? lastDecision.last.decision : null;
  const backToQueue = () => void navigate(queueMemory.path(), { state: { cursorId: id } });
  // The reviewer's content filter, shared by the post, its quotes and the author's other posts.
  const filterOf = useContentFilter();
  const [revealedFor, setRevealedFor] = useState<string | null>(null);
  const mode: ContentFilter =
    flag.data && revealedFor !== id ? filterOf(flag.data.triggered) : 'show';
  const blurred = mode === 'blur' || mode === 'warn';
  const reveal = () => setRevealedFor(id);
  // The explanation quote the reviewer chose, shown where it is in the post.
  const [quotedFor, setQuotedFor] = useState<{ id: string; quote: string } | null>(null);
  const quoted = quotedFor?.id === id ? quotedFor.quote : null;
  const role = session.data?.user.role ?? 'viewer';
  const status = flag.data?.status;
  // The queues this person works in: they act on an item only in one of them, at its deciding role.
  const queues = useQueues(hasRole(role, 'reviewer'));
  const queue = queues.data?.find((q) => q.id === flag.data?.queue);
  const canAct =
    hasRole(role, 'reviewer') &&
    status !== undefined &&
    status !== 'decided' &&
    queue !== undefined &&
    hasRole(role, queue.decideRole);

  // Opening the item claims it; the lease is renewed while it stays open and released on leaving.
  const { mutate: claim } = actions.claim;
  const leaseSeconds = system.data?.review.claimLeaseSeconds ?? 300;
  useEffect(() => {
    if (!canAct) return;
    claim();
    const renew = setInterval(() => claim(), (leaseSeconds * 1000) / 2);
    return () => {
      clearInterval(renew);
      void releaseFlag(id).catch(() => undefined);
    };
  }, [id, canAct, claim, leaseSeconds]);

  const decide = (decision: Decision) =>
    actions.decide.mutate(
      { ...decision, contentRevealed: !blurred },
      { onSuccess: () => lastDecision.record(id, decision) },
    );
  useHotkeys({
    j: () => void goNext(),
    q: backToQueue,
  });

  const claimConflict =
    actions.claim.error instanceof ApiError &&
    (actions.claim.error.status === 409 || actions.claim.error.status === 403)
      ? actions.claim.error.message
      : null;
  const handBack = async () => {
    await releaseFlag(id).catch(() => undefined);
    backToQueue();
  };
  const actionError = actions.decide.error ?? actions.undo.error;

  return (
    <section>
      <Link
        to={queueMemory.path()}
        state={{ cursorId: id }}
        className="back"
        onClick={(event) => {
          event.preventDefault();
          backToQueue();
        }}
      >
        ← Queue <kbd>q</kbd>
      </Link>
      {flag.isPending && <p className="muted">Loading…</p>}
      {flag.isError && (
        <p className="error" role="alert">
          {flag.error.message}
        </p>
      )}
      {flag.data && (
        <div className="flag-layout">
          <article className="flag" data-testid="flag-detail" data-flag-id={flag.data.id}>
            <header className="page-header">
              <h1>Flagged post</h1>
              <StatusBadge status={flag.data.status} />
            </header>
            {/* User content: rendered as text only, never as HTML. */}
            <PostText flag={flag.data} mode={mode} reveal={reveal} quoted={quoted} />
            <Facts flag={flag.data} isAdmin={role === 'admin'} />
            <JudgementsPanel
              judgements={flag.data.judgements}
              blurQuotes={blurred}
              onQuote={(quote) => setQuotedFor({ id, quote })}
            />
            {/* An erased post's explanations went with its text: there is nothing to explain. */}
            {!flag.data.event.erasedAt && (
              <ExplanationPanel
                flagId={flag.data.id}
                canAsk={hasRole(role, 'reviewer')}
                blurQuotes={blurred}
                onQuote={(quote) => setQuotedFor({ id, quote })}
              />
            )}
            <h2>Scores against thresholds</h2>
            <ScoreChart scores={flag.data.scores} thresholds={flag.data.thresholds} />
            <AuthorContext
              flagId={flag.data.id}
              source={flag.data.event.source}
              authorId={flag.data.event.authorId}
              blurred={blurred}
            />
            {/* Nothing left to compare an erased post by. */}
            {!flag.data.event.erasedAt && <SimilarDecisions flagId={flag.data.id} />}
            <History flag={flag.data} />
            <StatementPanel flagId={flag.data.id} canEdit={hasRole(role, 'reviewer')} />
          </article>

          <aside className="review-side">
            {claimConflict && (
              <p className="claim-conflict" role="status">
                {claimConflict}. You can read it, but not decide it.
              </p>
            )}
            {last && (
              <p className="decided-here" role="status" data-testid="decided-here">
                Decided{blurred ? ' without revealing the post' : ''}.{' '}
                <button className="link-button" onClick={() => void goNext()}>
                  Next item <kbd>j</kbd>
                </button>
              </p>
            )}
            {actionError && (
              <p className="error" role="alert">
                {actionError.message}
              </p>
            )}
            {canAct && !claimConflict && !last && (
              <DecisionPanel
                onDecide={decide}
                topCategory={topCategory(flag.data)}
                busy={actions.decide.isPending}
                disabledActions={flag.data.status === 'escalated' ? ['escalate'] : []}
                title={flag.data.status === 'escalated' ? 'Decide (senior queue)' : 'Decide'}
              />
            )}
            {canAct && !claimConflict && !last && (
              <button
                type="button"
                className="link-button"
                onClick={() => void handBack()}
                data-testid="hand-back"
              >
                Hand back to the queue
              </button>
            )}
            {hasRole(role, 'policy_admin') && status === 'decided' && (
              <GoldenControl flagId={id} finalAction={flag.data.finalAction} />
            )}
            {queue?.lead && status !== 'decided' && queues.data && (
              <LeadActions flagId={id} queue={queue} queues={queues.data} />
            )}
            {hasRole(role, 'admin') && (
              <EraseAuthorControl
                source={flag.data.event.source}
                authorId={flag.data.event.authorId}
                erased={!!flag.data.event.erasedAt}
              />
            )}
            {hasRole(role, 'reviewer') && (
              <NoteForm onAdd={(text) => actions.note.mutate(text)} busy={actions.note.isPending} />
            )}
          </aside>
        </div>
      )}
    </section>
  );
}

/** The strongest triggered category: the reason preselected for a removal follows it. */
const topCategory = (flag: FlagDetail) =>
  [...flag.triggered].sort((a, b) => b.score - a.score)[0]?.category;

/**
 * The post as the reviewer's content filter says: behind a warning (not on the page until asked
 * for), blurred until revealed, in greyscale, or as is.
 */
function PostText({
  flag,
  mode,
  reveal,
  quoted,
}: {
  flag: FlagDetail;
  mode: ContentFilter;
  reveal: () => void;
  quoted: string | null;
}) {
  const blurred = mode === 'blur';
  const label = useCategoryLabel();
  useHotkeys({ v: reveal }, blurred || mode === 'warn');
  const quote = useRef<HTMLQuoteElement>(null);
  const at = quoted ? flag.event.text.indexOf(quoted) : -1;
  useEffect(() => {
    if (at >= 0) quote.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [at, quoted]);
  const highlights =
    quoted && at >= 0
      ? [{ start: at, end: at + quoted.length, category: QUOTED }]
      : [...flag.highlights, ...evidenceSpans(flag)];
  if (flag.event.erasedAt) {
    return (
      <p className="post-erased" data-testid="post-erased">
        The text was erased at the author's request on{' '}
        {new Date(flag.event.erasedAt).toLocaleDateString()}. The scores and decisions stay.
      </p>
    );
  }
  if (mode === 'warn') {
    return (
      <div className="content-warning" role="note" data-testid="content-warning">
        <p>
          <strong>Content warning:</strong> this post was flagged for{' '}
          {flag.triggered.map((t) => label(t.category)).join(', ')}. You asked to be warned before
          posts like this are shown.
        </p>
        <button className="reveal-warned" onClick={reveal}>
          Show the post <kbd>v</kbd>
        </button>
      </div>
    );
  }
  return (
    <div className="post-wrap">
      <blockquote
        ref={quote}
        className={`post-text ${blurred ? 'blurred' : ''} ${mode === 'greyscale' ? 'greyscale' : ''}`}
        aria-hidden={blurred}
      >
        <HighlightedText text={flag.event.text} highlights={highlights} />
      </blockquote>
      {flag.highlightsCoverChars < flag.event.text.length && (
        <p className="muted small">
          Highlights cover the first {flag.highlightsCoverChars.toLocaleString()} of{' '}
          {flag.event.text.length.toLocaleString()} characters (the rest was not searched, to keep
          this page fast).
        </p>
      )}
      {blurred && (
        <button className="reveal" onClick={reveal}>
          Sensitive content — reveal <kbd>v</kbd>
        </button>
      )}
    </div>
  );
}

function Facts({ flag, isAdmin }: { flag: FlagDetail; isAdmin: boolean }) {
  const queues = useQueues();
  const queueName = queues.data?.find((q) => q.id === flag.queue)?.name ?? flag.queue;
  return (
    <dl className="facts">
      <dt>Author</dt>
      <dd>{flag.event.authorId}</dd>
      <dt>Source</dt>
      <dd>
        {flag.event.source} · event {flag.event.eventId}
      </dd>
      {flag.event.lang && (
        <>
          <dt>Language</dt>
          <dd>{flag.event.lang}</dd>
        </>
      )}
      {flag.event.context?.threadId && (
        <>
          <dt>Thread</dt>
          <dd>{flag.event.context.threadId}</dd>
        </>
      )}
      {flag.event.context?.url && (
        <>
          <dt>Where</dt>
          <dd className="break">
            <SourceLink url={flag.event.context.url} />
          </dd>
        </>
      )}
      <dt>Posted</dt>
      <dd title={flag.event.createdAt}>{timeAgo(flag.event.createdAt)}</dd>
      <dt>Decision</dt>
      <dd>
        {flag.autoDecision === 'block' ? 'Blocked automatically' : 'Needs review'} by policy v
        {flag.policyVersion} · {flag.model}
      </dd>
      <dt>Queue</dt>
      <dd data-testid="flag-queue">{queueName}</dd>
      <dt>Triggered</dt>
      <dd>
        <CategoryChips triggered={flag.triggered} max={11} />
      </dd>
      {flag.claim && (
        <>
          <dt>Reviewing</dt>
          <dd>{flag.claim.displayName}</dd>
        </>
      )}
      {isAdmin && (
        <>
          <dt>Audit</dt>
          <dd>
            <Link to={`/admin/audit?objectType=flag&objectId=${encodeURIComponent(flag.id)}`}>
              Everything done to this flag
            </Link>
          </dd>
        </>
      )}
    </dl>
  );
}

/** The post's page on the platform: a link only for http(s), never `javascript:` and the like. */
function SourceLink({ url }: { url: string }) {
  const safe = /^https?:\/\//i.test(url);
  return safe ? (
    <a href={url} target="_blank" rel="noopener noreferrer nofollow">
      {url}
    </a>
  ) : (
    <span>{url}</span>
  );
}

function History({ flag }: { flag: FlagDetail }) {
  const appeals = useFlagAppeals(flag.id).data?.items ?? [];
  if (flag.decisions.length === 0 && flag.notes.length === 0 && appeals.length === 0) return null;
  const entries = [
    ...appeals.flatMap((a) => [
      {
        at: a.submittedAt,
        key: `${a.id}-in`,
        text: `Appealed by the author (via ${a.submittedBy}): “${a.statement}”`,
      },
      ...(a.decidedAt
        ? [
            {
              at: a.decidedAt,
              key: `${a.id}-out`,
              text: `Appeal ${a.status} by ${a.decidedBy ?? 'a former user'}: ${a.outcomeReason ?? ''}`,
            },
          ]
        : []),
    ]),
    ...flag.decisions.map((d) => ({
      at: d.createdAt,
      key: d.id,
      text: `${PAST[d.action]} by ${d.precedent ? 'Sieve, automatically' : (d.reviewer ?? 'a former user')}: ${d.reason}${d.contentRevealed === false ? ' (without revealing the post)' : ''}${d.undoneAt ? ' (undone)' : ''}`,
    })),
    ...flag.notes.map((n) => ({
      at: n.createdAt,
      key: n.id,
      text: `Note by ${n.author ?? 'a former user'}: ${n.text}`,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <>
      <h2>History</h2>
      <ol className="history" data-testid="history">
        {entries.map((e) => (
          <li key={e.key}>
            <span className="muted">{timeAgo(e.at)}</span> {e.text}
          </li>
        ))}
      </ol>
    </>
  );
}

function NoteForm({ onAdd, busy }: { onAdd: (text: string) => void; busy: boolean }) {
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    onAdd(text.trim());
    setText('');
  };
  return (
    <form onSubmit={submit} className="note-form" aria-label="Add a note">
      <label>
        Add a note for other reviewers
        <textarea
          rows={2}
          maxLength={4000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy || !text.trim()}>
        Add note
      </button>
    </form>
  );
}

/** The judge's evidence for rules the post breaks, marked in the post like the scorer's spans. */
function evidenceSpans(flag: FlagDetail) {
  return flag.judgements.flatMap((j) =>
    j.violates && !j.shadow
      ? j.evidence.flatMap((quote) => {
          const start = flag.event.text.indexOf(quote);
          return start < 0 ? [] : [{ start, end: start + quote.length, category: j.category }];
        })
      : [],
  );
}
