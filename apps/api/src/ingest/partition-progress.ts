/**
 * Which offsets of one partition may be committed while several of its batches are processed
 * at once: batches finish in any order, but the committed offset only moves past a batch once
 * it and every batch before it are stored. A failed batch stops the partition there.
 */
export class PartitionProgress {
  private readonly batches: { nextOffset: bigint; done: boolean }[] = [];
  private committable: bigint | null = null;
  private committed: bigint | null = null;
  pendingEvents = 0;
  /** Set when a batch failed: nothing after it may be committed until the partition is sought back. */
  failedAt: string | null = null;

  /** Registers a batch about to be processed; call `finish` with the returned handle. */
  start(lastOffset: string, events: number): { finish: () => void; fail: () => void } {
    const entry = { nextOffset: BigInt(lastOffset) + 1n, done: false };
    this.batches.push(entry);
    this.pendingEvents += events;
    const settle = () => {
      this.pendingEvents -= events;
    };
    return {
      finish: () => {
        settle();
        entry.done = true;
        while (this.batches[0]?.done && this.failedAt === null) {
          this.committable = (this.batches.shift() as { nextOffset: bigint }).nextOffset;
        }
      },
      fail: settle,
    };
  }

  /** The offset to commit now (the next one to consume), or null when nothing new. */
  takeCommit(): string | null {
    if (this.committable === null || this.committable === this.committed) return null;
    this.committed = this.committable;
    return this.committable.toString();
  }

  get inFlightBatches(): number {
    return this.batches.length;
  }
}
