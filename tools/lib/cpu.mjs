// CPU time of the processes a benchmark runs, from /proc: what `npm run bench` and
// `npm run bench:grouping` divide by the events or flags they measured.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by each role: the processes named in `roles`
 * (pid → role), every PostgreSQL process ('postgres') and the mock broker ('broker'). Two
 * snapshots give each role's share of the machine over a phase.
 */
export function cpuSnapshot(roles = {}) {
  const seconds = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const role =
      roles[Number(entry)] ??
      (comm === 'postgres' ? 'postgres' : comm === 'kcat' ? kcatRole(entry) : null);
    if (!role) continue;
    // utime and stime, in clock ticks (100 per second on Linux).
    seconds[role] = (seconds[role] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return { at: Date.now(), seconds };
}

/** The mock broker, or a producer's kcat (whose CPU its producer reports itself). */
function kcatRole(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-P')
      ? null
      : 'broker';
  } catch {
    return null;
  }
}

/** Each role's share of one core between two snapshots, in percent. */
export function cpuShares(before, after) {
  const wall = (after.at - before.at) / 1000;
  return Object.fromEntries(
    Object.entries(after.seconds).map(([role, s]) => [
      role,
      Math.round(((s - (before.seconds[role] ?? 0)) / wall) * 100),
    ]),
  );
}

/** CPU microseconds per item between two snapshots, over `roles` (all of them by default). */
export function cpuMicrosPerItem(before, after, items, roles) {
  const total = Object.entries(after.seconds)
    .filter(([role]) => !roles || roles.includes(role))
    .reduce((sum, [role, s]) => sum + (s - (before.seconds[role] ?? 0)), 0);
  return (total / items) * 1e6;
}
