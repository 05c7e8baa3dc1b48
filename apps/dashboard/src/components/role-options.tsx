import { ROLE_LABELS, ROLES } from '../api/auth';

/** The roles as a select's options, least to most powerful. */
export function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </>
  );
}
