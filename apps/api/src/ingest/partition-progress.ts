/**
 * Which offsets of one partition may be committed while several of its batches are processed
 * at once: batches finish in any order, but the committed offset only moves past a batch once
 * it and every batch before it are stored. A failed batch stops the partition there.
 */
export class PartitionProgress {
  private readonly batches: { nextOffset: bigint; done: boolean }[] = [];
  private startOffset: bigint | null = null;
  private committable: bigint | null = null;
  private committed: bigint | null = null;
  pendingEvents = 0;
  /** Set when a batch failed: nothing more is committed; the partition must be sought back. */
  failed = false;

  /** Registers a batch about to be processed; call `finish` or `fail` with the returned handle. */
  start(
    firstOffset: string,
    lastOffset: string,
    events: number,
  ): { finish: () => void; fail: () => void } {
    this.startOffset ??= BigInt(firstOffset);
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
        while (this.batches[0]?.done && !this.failed) {
          this.committable = (this.batches.shift() as { nextOffset: bigint }).nextOffset;
        }
      },
      fail: () => {
        settle();
        this.failed = true;
      },
    };
  }

  /**
   * Where to consume again after a failure: just past the last batch stored with every batch
   * before it. Batches fail in any order — a later one can fail while an earlier one is still
   * being scored (and may fail after) — so this, not the failed batch's offset, is the position
   * from which nothing can be missing. What was stored after it is replayed and stored once.
   */
  resumeOffset(): string {
    return String(this.committable ?? this.startOffset ?? 0n);
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
