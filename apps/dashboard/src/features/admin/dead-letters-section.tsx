import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { deadLetterSurvey, replayDeadLetters } from '../../api/data-lifecycle';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/**
 * What the dead-letter topic holds, read on demand (it reads the whole topic), and sending one
 * reason's dead letters back once its cause is fixed, after seeing how many would go.
 */
export function DeadLettersSection() {
  const survey = useMutation({ mutationFn: deadLetterSurvey });
  const preview = useMutation({
    mutationFn: (reason: string) => replayDeadLetters([reason], true),
  });
  const replay = useMutation({
    mutationFn: (reason: string) => replayDeadLetters([reason], false),
    onSuccess: () => survey.mutate(),
  });
  const [reason, setReason] = useState<string | null>(null);
  const ask = (r: string) => {
    setReason(r);
    replay.reset();
    preview.mutate(r);
  };
  const error = survey.error ?? preview.error ?? replay.error;

  return (
    <>
      <h2>Dead letters</h2>
      <p className="muted small">
        Events and appeals Sieve could not process, with why. Once a cause is fixed (a producer
        corrected, a size limit raised), send that reason&apos;s dead letters back to the topic they
        came from; events already stored are not stored twice. Also{' '}
        <code>npm run dead-letters</code>.
      </p>
      <p>
        <button
          type="button"
          className="plain-button"
          onClick={() => survey.mutate()}
          disabled={survey.isPending}
        >
          {survey.isPending ? 'Reading the topic…' : 'Check the dead-letter topic'}
        </button>
      </p>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {survey.data &&
        (survey.data.total === 0 ? (
          <p className="muted">{survey.data.topic} is empty.</p>
        ) : (
          <table className="queue" data-testid="dead-letters">
            <caption className="muted small">
              {survey.data.total.toLocaleString()} in {survey.data.topic}
            </caption>
            <thead>
              <tr>
                <th>Reason</th>
                <th className="num">Count</th>
                <th>First / last</th>
                <th>Latest</th>
                <th>
                  <span className="visually-hidden">Replay</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(survey.data.byReason)
                .sort(([, a], [, b]) => b.count - a.count)
                .map(([r, entry]) => (
                  <tr key={r}>
                    <td>
                      <code>{r}</code>
                    </td>
                    <td className="num">{entry.count.toLocaleString()}</td>
                    <td className="small">
                      {when(entry.firstFailedAt)}
                      <br />
                      {when(entry.lastFailedAt)}
                    </td>
                    <td className="small break">
                      {entry.latest.at(-1)?.detail}
                      <div className="muted">{entry.latest.at(-1)?.from}</div>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Replay ${r}`}
                        onClick={() => ask(r)}
                      >
                        Replay…
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        ))}
      {reason && (
        <div className="confirm" role="dialog" aria-label="Replay dead letters">
          {preview.isPending && <p>Counting…</p>}
          {preview.data && !replay.data && (
            <>
              <p>
                Send <strong>{preview.data.replayed.toLocaleString()}</strong>{' '}
                {preview.data.replayed === 1 ? 'dead letter' : 'dead letters'} of{' '}
                <code>{reason}</code> back to{' '}
                {Object.keys(preview.data.byTopic).join(', ') || 'their topic'}?
                {preview.data.skipped.erased + preview.data.skipped.truncated > 0 &&
                  ` ${preview.data.skipped.erased} erased and ${preview.data.skipped.truncated} cut to fit are not sent.`}{' '}
                If the cause is not fixed, they come back here.
              </p>
              <button
                className="primary"
                disabled={preview.data.replayed === 0 || replay.isPending}
                onClick={() => replay.mutate(reason)}
              >
                Replay {preview.data.replayed.toLocaleString()}
              </button>
            </>
          )}
          {replay.data && <p role="status">Sent {replay.data.replayed.toLocaleString()} back.</p>}
          <button className="link-button" onClick={() => setReason(null)}>
            {replay.data ? 'Close' : 'Cancel'}
          </button>
        </div>
      )}
    </>
  );
}
