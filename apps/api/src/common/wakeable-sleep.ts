/**
 * A background loop's pause between passes that something can cut short: `sleep(ms)` resolves
 * after `ms` or at the next `wake()`, whichever is first; a wake with no sleep pending is dropped
 * (the loop is running and will look again).
 */
export class WakeableSleep {
  private wakeUp: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
