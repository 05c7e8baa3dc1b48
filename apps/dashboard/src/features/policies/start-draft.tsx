import type { PolicyVersionDto } from '@sieve/contracts';
import { usePolicyActions } from '../../hooks/use-policies';

export function StartDraft({ live }: { live: PolicyVersionDto }) {
  const { create } = usePolicyActions();
  return (
    <div className="draft-start">
      <p>
        Thresholds change through a draft: edit it, see what it would have done on past traffic,
        then publish it with a note. Published versions never change.
      </p>
      <button
        className="primary"
        onClick={() => create.mutate(undefined)}
        disabled={create.isPending}
      >
        Start a draft from version {live.version}
      </button>
      {create.isError && <p className="error">{create.error.message}</p>}
    </div>
  );
}
