import type { PolicyVersionDto } from '@sieve/contracts';
import { useState } from 'react';
import type { useBacktestData } from '../../hooks/use-policies';
import { describeRange, RANGES, type Range } from './backtest-range';
import { Samples } from './changed-items';
import { CustomCategories } from './custom-categories';
import { DraftRulesTable } from './draft-rules-table';
import { PrecedentSetting } from './precedent-setting';
import { PublishDialog } from './publish-dialog';
import { OverridesEditor } from './overrides-editor';
import { ShadowPanel } from './shadow-panel';
import { useDraftEditor } from './use-draft-editor';
import { diffPolicies } from '@sieve/moderation';
import { change } from './what-if';

interface DraftEditorProps {
  live: PolicyVersionDto;
  draft: PolicyVersionDto;
  range: Range;
  onRange: (range: Range) => void;
  from: string;
  to: string;
  backtest: ReturnType<typeof useBacktestData>;
}

/** Edit a draft's thresholds against the backtest, run it in shadow, publish or discard it. */
export function DraftEditor({ live, draft, range, onRange, from, to, backtest }: DraftEditorProps) {
  const editor = useDraftEditor(live, draft, { from, to }, backtest);
  const [confirming, setConfirming] = useState(false);
  const { total } = editor;

  return (
    <div className="draft" data-testid="draft-editor">
      <div className="draft-bar">
        <h2>
          Draft version {draft.version}{' '}
          <span className="muted small">from version {draft.basedOn}</span>
        </h2>
        <label>
          Backtest over{' '}
          <select
            value={range}
            onChange={(e) => onRange(e.target.value as Range)}
            aria-label="Backtest range"
          >
            {(Object.keys(RANGES) as Range[]).map((r) => (
              <option key={r} value={r}>
                {describeRange(r)}
              </option>
            ))}
          </select>
        </label>
        {backtest.data && (
          <span className="muted small" data-testid="backtest-summary">
            {backtest.data.events.toLocaleString()} stored events ·{' '}
            {Object.values(backtest.data.labelled)[0]?.length ?? 0} reviewed
            {backtest.data.histogramsThrough &&
              ` · scores counted up to ${new Date(backtest.data.histogramsThrough).toLocaleTimeString()}`}
          </span>
        )}
      </div>
      {backtest.isError && <p className="error">Backtest unavailable: {backtest.error.message}</p>}
      {editor.figures && (
        <p className="draft-totals" data-testid="draft-totals">
          Category flags: <strong>{total('flagged', 'live').toLocaleString()}</strong> live →{' '}
          <strong>{total('flagged', 'draft').toLocaleString()}</strong> draft (
          {change(total('flagged', 'live'), total('flagged', 'draft'))}) · auto-actioned{' '}
          {total('auto', 'live').toLocaleString()} → {total('auto', 'draft').toLocaleString()}
        </p>
      )}
      <DraftRulesTable
        rules={editor.rules}
        live={live}
        figures={editor.figures}
        update={editor.update}
      />
      <p className="muted small">
        Precision and recall count only items reviewers decided, per category: a removal is a
        positive label for the categories its reason names and its flag was raised for, and a
        negative one for the others; an approval is negative everywhere; escalations are left out.
      </p>
      <OverridesEditor
        live={editor.livePolicy}
        draft={editor.candidate}
        histograms={backtest.data?.histograms}
        onAdd={editor.addOverride}
        onUpdate={editor.updateOverride}
        onRemove={editor.removeOverride}
      />
      <CustomCategories version={draft} live={live} editable />
      <PrecedentSetting key={draft.version} version={draft} editable />
      <div className="draft-actions">
        <button onClick={() => void editor.save()} disabled={!editor.dirty || editor.saving}>
          {editor.dirty ? 'Save draft' : 'Saved'}
        </button>
        <button onClick={editor.showSamples}>Show items that would change</button>
        <button className="primary" onClick={() => setConfirming(true)}>
          Publish…
        </button>
        <button className="link-button" onClick={editor.discard} disabled={editor.discarding}>
          Discard draft
        </button>
      </div>
      {editor.error && (
        <p className="error" role="alert">
          {editor.error.message}
        </p>
      )}
      {confirming && (
        <PublishDialog
          version={draft.version}
          range={range}
          impact={
            editor.figures && {
              flagged: [total('flagged', 'live'), total('flagged', 'draft')],
              auto: [total('auto', 'live'), total('auto', 'draft')],
            }
          }
          changes={diffPolicies(editor.livePolicy, editor.candidate)}
          busy={editor.publishing}
          onPublish={(note) => void editor.publish(note).then(() => setConfirming(false))}
          onCancel={() => setConfirming(false)}
        />
      )}
      <ShadowPanel draft={draft} dirty={editor.dirty} />
      {editor.samples.isError && <p className="error">{editor.samples.error.message}</p>}
      {editor.samples.data && <Samples samples={editor.samples.data} />}
    </div>
  );
}
