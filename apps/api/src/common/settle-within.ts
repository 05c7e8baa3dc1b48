/**
 * Waits for `work` at most `ms`: true when it settled (resolved or rejected) in time, false when
 * it was left running. For shutdown steps that talk to a peer that may be gone (a broker that
 * stopped first retries its connection for a minute), so a stopping process is not held hostage.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a bounded step gave up on `work` (which goes on): reports, once it settles, how long
 * after giving up, so the log says whether a consumer left its group after all.
 */
export function reportWhenSettled(work: Promise<unknown>, report: (afterMs: number) => void) {
  const gaveUpAt = Date.now();
  const settled = () => report(Date.now() - gaveUpAt);
  void work.then(settled, settled);
}
