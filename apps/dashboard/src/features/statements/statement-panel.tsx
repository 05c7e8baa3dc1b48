import { useState } from 'react';
import type { Statement } from '../../api/statements';
import { useEditStatement, useFinalizeStatement, useStatements } from '../../hooks/use-statements';

const AUTOMATION: Record<string, string> = {
  AUTOMATED_DECISION_FULLY: 'fully automated',
  AUTOMATED_DECISION_PARTIALLY: 'partially automated',
  AUTOMATED_DECISION_NOT_AUTOMATED: 'not automated',
};
const SUBMISSION: Record<Statement['submission'], string> = {
  not_submitted: 'not submitted (no Transparency Database configured)',
  pending: 'waiting to be submitted to the Transparency Database',
  accepted: 'accepted by the Transparency Database',
  rejected: 'refused by the Transparency Database',
};

/** Constant names as words: STATEMENT_CATEGORY_SCAMS_AND_FRAUD → "scams and fraud". */
const words = (constant: string, prefix: string) =>
  constant.replace(prefix, '').toLowerCase().replace(/_/g, ' ');

/**
 * The statements of reasons for this item (DSA Art. 17): what the author is told. A reviewer's
 * draft can be reworded until it is final; no personal data belongs in it.
 */
export function StatementPanel({ flagId, canEdit }: { flagId: string; canEdit: boolean }) {
  const statements = useStatements(flagId);
  const shown = (statements.data ?? []).filter((s) => s.status !== 'withdrawn');
  if (shown.length === 0) return null;
  return (
    <section className="statement-panel" aria-label="Statement of reasons">
      <h2>Statement of reasons</h2>
      {shown.map((s) => (
        // Keyed by the saved wording too: a save elsewhere starts the editor from it again.
        <StatementCard
          key={`${s.id}:${s.statement.decision_facts}`}
          flagId={flagId}
          statement={s}
          canEdit={canEdit}
        />
      ))}
    </section>
  );
}

function StatementCard({
  flagId,
  statement: s,
  canEdit,
}: {
  flagId: string;
  statement: Statement;
  canEdit: boolean;
}) {
  const edit = useEditStatement(flagId);
  const finalize = useFinalizeStatement(flagId);
  const [facts, setFacts] = useState(s.statement.decision_facts);
  const draft = s.status === 'draft' && canEdit;
  const changed = facts.trim() !== s.statement.decision_facts;
  return (
    <div className="statement-card" data-testid="statement">
      <p>
        <span className={`badge badge-statement-${s.status}`}>
          {s.status === 'draft' ? 'Draft' : 'Final'}
        </span>{' '}
        {s.status === 'draft' && s.editableUntil && (
          <span className="muted">
            becomes final at {new Date(s.editableUntil).toLocaleTimeString()} ·{' '}
          </span>
        )}
        {s.status === 'final' && <span className="muted">{SUBMISSION[s.submission]} · </span>}
        <span className="muted">
          {words(s.statement.category, 'STATEMENT_CATEGORY_')} ·{' '}
          {s.statement.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT'
            ? `illegal: ${s.statement.illegal_content_legal_ground ?? ''}`
            : `terms: ${s.statement.incompatible_content_ground ?? ''}`}{' '}
          · {AUTOMATION[s.statement.automated_decision]}
        </span>
      </p>
      {s.submitError && s.submission !== 'accepted' && (
        <p className="error small">{s.submitError}</p>
      )}
      {draft ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            edit.mutate({ id: s.id, facts: facts.trim() });
          }}
        >
          <label className="statement-facts">
            Facts and circumstances (what the author reads; no personal data)
            <textarea
              rows={4}
              maxLength={5000}
              value={facts}
              onChange={(e) => setFacts(e.target.value)}
            />
          </label>
          <div className="row">
            <button type="submit" disabled={!changed || !facts.trim() || edit.isPending}>
              Save wording
            </button>
            <button
              type="button"
              className="primary"
              disabled={changed || finalize.isPending}
              title={changed ? 'Save the wording first' : undefined}
              onClick={() => finalize.mutate(s.id)}
            >
              Send to the author now
            </button>
          </div>
          {(edit.error ?? finalize.error) && (
            <p className="error" role="alert">
              {(edit.error ?? finalize.error)?.message}
            </p>
          )}
        </form>
      ) : (
        <blockquote className="statement-facts-text">{s.statement.decision_facts}</blockquote>
      )}
    </div>
  );
}
