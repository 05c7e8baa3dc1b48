import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  it('ends a sleep early on wake, and otherwise after its time; a wake while awake is dropped', async () => {
    const pause = new WakeableSleep();
    pause.wake(); // nothing is sleeping: dropped
    const started = Date.now();
    const woken = pause.sleep(60_000);
    pause.wake();
    await woken;
    expect(Date.now() - started).toBeLessThan(1000);
    await pause.sleep(5); // the next sleep is a full one again
  });
});
