import type { FlagEventDto } from '@sieve/contracts';
import { Subject } from 'rxjs';
import type { DataSource } from 'typeorm';
import type { FlagEventsService } from './flag-events.service';
import { FlagsService } from './flags.service';

/** A database whose counting waits until the test lets it answer. */
function slowCountingDb() {
  const answers: (() => void)[] = [];
  let counted = 0;
  const db = {
    transaction: async () => {
      counted++;
      await new Promise<void>((resolve) => answers.push(resolve));
      return [{ open: counted, claimed: 0, escalated: 0, decided: 0, oldest: null }];
    },
  };
  return {
    db: db as unknown as DataSource,
    answer: () => answers.shift()?.(),
    counted: () => counted,
  };
}

describe('FlagsService counts', () => {
  it('answers a count that a review action cleared while it was counting, and counts afresh after', async () => {
    const events = new Subject<FlagEventDto>();
    const { db, answer, counted } = slowCountingDb();
    const service = new FlagsService(
      db,
      ...([null, null, null, null, null, null] as unknown as [
        never,
        never,
        never,
        never,
        never,
        never,
      ]),
      { events } as unknown as FlagEventsService,
    );

    const asked = service.counts({ category: 'pii' });
    await new Promise((r) => setImmediate(r));
    expect(counted()).toBe(1);
    // Another reviewer decides something (on any replica) while the count is under way.
    events.next({ type: 'flag.updated', ids: ['f'] });
    answer();
    await expect(asked).resolves.toMatchObject({ open: 1 });

    // What was counted before the decision is not kept: the next ask counts again.
    const next = service.counts({ category: 'pii' });
    await new Promise((r) => setImmediate(r));
    expect(counted()).toBe(2);
    answer();
    await expect(next).resolves.toMatchObject({ open: 2 });
  });
});
