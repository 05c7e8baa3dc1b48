import { useState } from 'react';
import { hasRole } from '../../api/auth';
import { timeAgo } from '../../components/format';
import { useNow } from '../../hooks/use-now';
import { useBacktestData, usePolicies } from '../../hooks/use-policies';
import { useSession } from '../../hooks/use-session';
import { RANGES, type Range } from './backtest-range';
import { CustomCategories } from './custom-categories';
import { PrecedentSetting } from './precedent-setting';
import { DraftEditor } from './draft-editor';
import { RulesTable } from './rules-table';
import { StartDraft } from './start-draft';
import { VersionHistory } from './version-history';

export function PoliciesPage() {
  const session = useSession();
  const canEdit = hasRole(session.data?.user.role ?? 'viewer', 'policy_admin');
  const versions = usePolicies();
  const now = useNow(60_000);
  const [range, setRange] = useState<Range>('7d');
  // Whole minutes, so the backtest query is reused while the page is open.
  const to = new Date(Math.ceil(now / 60_000) * 60_000).toISOString();
  const from = new Date(Date.parse(to) - RANGES[range] * 86_400_000).toISOString();
  const backtest = useBacktestData(from, to, canEdit);

  if (versions.isPending) return <p className="muted">Loading…</p>;
  if (versions.isError)
    return (
      <p className="error" role="alert">
        {versions.error.message}
      </p>
    );
  const live = versions.data.find((v) => v.live);
  const draft = versions.data.find((v) => v.status === 'draft');

  return (
    <section className="policies" data-testid="policies">
      <header className="page-header">
        <h1>Policies</h1>
        {live && (
          <span className="muted">
            Live: version {live.version}
            {live.publishedAt && `, published ${timeAgo(live.publishedAt, now)}`}
          </span>
        )}
      </header>
      <div className="policies-layout">
        <div>
          {!canEdit && (
            <p className="muted">Only policy admins edit thresholds. The live rules are below.</p>
          )}
          {canEdit && live && !draft && <StartDraft live={live} />}
          {canEdit && live && draft && (
            <DraftEditor
              key={draft.version}
              live={live}
              draft={draft}
              range={range}
              onRange={setRange}
              from={from}
              to={to}
              backtest={backtest}
            />
          )}
          {live && !(canEdit && draft) && <RulesTable version={live} />}
          {live && !(canEdit && draft) && (
            <>
              <CustomCategories version={live} live={live} editable={false} />
              <PrecedentSetting version={live} editable={false} />
            </>
          )}
        </div>
        <VersionHistory versions={versions.data} canEdit={canEdit} hasDraft={!!draft} now={now} />
      </div>
    </section>
  );
}
