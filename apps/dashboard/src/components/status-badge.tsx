import type { FlagStatus } from '../api/flags';

export function StatusBadge({ status }: { status: FlagStatus }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
