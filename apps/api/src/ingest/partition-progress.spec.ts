import { PartitionProgress } from './partition-progress';

describe('PartitionProgress', () => {
  it('commits past a batch only once every earlier batch is stored', () => {
    const progress = new PartitionProgress();
    const a = progress.start('9', 10);
    const b = progress.start('19', 10);
    const c = progress.start('29', 10);
    expect(progress.pendingEvents).toBe(30);
    b.finish();
    expect(progress.takeCommit()).toBeNull();
    a.finish();
    expect(progress.takeCommit()).toBe('20');
    expect(progress.takeCommit()).toBeNull();
    c.finish();
    expect(progress.takeCommit()).toBe('30');
    expect(progress.pendingEvents).toBe(0);
  });

  it('never commits past a failed batch', () => {
    const progress = new PartitionProgress();
    const a = progress.start('9', 10);
    const b = progress.start('19', 10);
    const c = progress.start('29', 10);
    a.finish();
    progress.failedAt = '10';
    b.fail();
    c.finish();
    expect(progress.takeCommit()).toBe('10');
    expect(progress.takeCommit()).toBeNull();
    expect(progress.pendingEvents).toBe(0);
  });
});
