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
 * A shutdown step bounded by `ms`: true when `work` settled in time. Otherwise `gaveUp` is called
 * at once (it may start more work, e.g. a stop that must not wait for a hung commit), and
 * `finished` once all of it settles after all (nothing is cancelled), with how long after giving
 * up, so the log says whether a consumer left its group in the end.
 */
export async function stopWithin(
  work: Promise<unknown>,
  ms: number,
  on: { gaveUp(): Promise<unknown> | void; finished(lateMs: number): void },
): Promise<boolean> {
  if (await settleWithin(work, ms)) return true;
  const gaveUpAt = Date.now();
  const more = on.gaveUp();
  void Promise.allSettled([work, more]).then(() => on.finished(Date.now() - gaveUpAt));
  return false;
}
