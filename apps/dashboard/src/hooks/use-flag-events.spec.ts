import { QueryClient } from '@tanstack/react-query';
import { FlagRefresher, followFlagEvents } from './use-flag-events';
import { queryKeys } from './query-keys';

describe('FlagRefresher (live flag events)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function clientWithQueries() {
    const client = new QueryClient();
    const keys = {
      list: queryKeys.flags({ status: 'open' }),
      counts: queryKeys.flagCounts({}),
      named: queryKeys.flag('f1'),
      other: queryKeys.flag('f2'),
      explanation: queryKeys.explanation('f1'),
      context: queryKeys.flagContext('f1'),
      stats: queryKeys.stats(14),
    };
    for (const key of Object.values(keys)) client.setQueryData(key, {});
    const stale = () =>
      Object.fromEntries(
        Object.entries(keys).map(([name, key]) => [
          name,
          client.getQueryState(key)?.isInvalidated ?? false,
        ]),
      );
    return { client, stale };
  }

  it('refreshes the queue and the flags named, never the explanation, the context or the stats', () => {
    const { client, stale } = clientWithQueries();
    const refresher = new FlagRefresher(client);
    refresher.add({ type: 'flag.updated', ids: ['f1'] });
    refresher.add({ type: 'flag.created', ids: ['f9'] });
    expect(Object.values(stale()).some(Boolean)).toBe(false); // nothing before the tick
    jest.advanceTimersByTime(1000);
    expect(stale()).toStrictEqual({
      list: true,
      counts: true,
      named: true,
      other: false,
      explanation: false,
      context: false,
      stats: false,
    });
  });

  it('coalesces a burst into one refresh per second', () => {
    const { client } = clientWithQueries();
    const invalidate = jest.spyOn(client, 'invalidateQueries');
    const refresher = new FlagRefresher(client);
    for (let i = 0; i < 400; i++) refresher.add({ type: 'flag.created', ids: [`n${i}`] });
    jest.advanceTimersByTime(1000);
    expect(invalidate).toHaveBeenCalledTimes(2); // lists and counts, once each
    refresher.add({ type: 'flag.created', ids: ['late'] });
    jest.advanceTimersByTime(999);
    expect(invalidate).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(1);
    expect(invalidate).toHaveBeenCalledTimes(4);
    refresher.stop();
  });

  it('refreshes the queue each time the stream opens: what was flagged before it was not announced', () => {
    const { client, stale } = clientWithQueries();
    const invalidate = jest.spyOn(client, 'invalidateQueries');
    const source = new EventTarget();
    followFlagEvents(source, new FlagRefresher(client));
    expect(stale().list).toBe(false);
    source.dispatchEvent(new Event('open')); // after the queue's first load
    jest.advanceTimersByTime(1000);
    expect(stale()).toMatchObject({ list: true, counts: true, named: false });
    expect(invalidate).toHaveBeenCalledTimes(2);
    source.dispatchEvent(new Event('open')); // the browser reconnected
    jest.advanceTimersByTime(1000);
    expect(invalidate).toHaveBeenCalledTimes(4);
  });

  it("passes the stream's events on", () => {
    const { client, stale } = clientWithQueries();
    const source = new EventTarget();
    followFlagEvents(source, new FlagRefresher(client));
    const data = JSON.stringify({ type: 'flag.updated', ids: ['f1'] });
    source.dispatchEvent(new MessageEvent('flag.updated', { data }));
    jest.advanceTimersByTime(1000);
    expect(stale()).toMatchObject({ list: true, named: true, other: false });
  });
});
