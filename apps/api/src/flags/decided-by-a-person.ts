/**
 * SQL over a flag aliased `f`: its decision is a person's — a reviewer's or an appeal's — not
 * Sieve's alone (a block closed by gradual automation, or a decision by precedent). A reviewer
 * deleted since still counts: their decision row stays, without its reviewer.
 */
export const DECIDED_BY_A_PERSON = `(f.decided_by IS NOT NULL OR EXISTS (
  SELECT 1 FROM flag_decisions d
  WHERE d.flag_id = f.id AND d.undone_at IS NULL AND d.action <> 'escalate' AND d.precedent IS NULL))`;
