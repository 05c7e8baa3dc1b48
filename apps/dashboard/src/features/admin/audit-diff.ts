export interface ChangedValue {
  path: string;
  before: unknown;
  after: unknown;
}

/** Leaf values by dotted path: `{rules: {pii: {reviewThreshold: 0.5}}}` → `rules.pii.reviewThreshold`. */
function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>))
      flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) into.set(prefix, value);
  return into;
}

/**
 * What an audit entry changed, as paths with their old and new value: a published policy shows
 * the thresholds that moved, not two whole policies. Values equal on both sides are left out.
 */
export function auditChanges(before: unknown, after: unknown): ChangedValue[] {
  const was = flatten(before);
  const is = flatten(after);
  const paths = [...new Set([...was.keys(), ...is.keys()])];
  return paths
    .filter((p) => JSON.stringify(was.get(p)) !== JSON.stringify(is.get(p)))
    .map((path) => ({ path, before: was.get(path), after: is.get(path) }));
}

/** An entry's details (a model and its cost, a reason) as leaf values by dotted path. */
export function auditDetails(details: unknown): [path: string, value: unknown][] {
  if (details === null || typeof details !== 'object' || Array.isArray(details))
    return details === null || details === undefined ? [] : [['details', details]];
  return [...flatten(details)];
}
