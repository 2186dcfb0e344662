/**
 * Deadlines for network operations. Node 20's AbortSignal.any over AbortSignal.timeout was seen to
 * never fire during full scans (the composite signal is held only weakly and can be collected), so
 * a probe that waited on it hung until the engine's check deadline. These use a ref'd timer and a
 * plain controller instead.
 */
export class DeadlinePassed extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no reply within ${timeoutMs} ms`);
    this.name = 'DeadlinePassed';
  }
}

/** One listener per caller signal, however many operations wait on it (checks fan out widely). */
const abortedSignals = new WeakMap<AbortSignal, Promise<void>>();

export function whenAborted(signal: AbortSignal): Promise<void> {
  let aborted = abortedSignals.get(signal);
  if (!aborted) {
    aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    abortedSignals.set(signal, aborted);
  }
  return aborted;
}

/**
 * Calls back once when `signal` aborts; returns a detach function. One 'abort' listener per signal
 * however many operations wait on it: EventTarget warns past 10 listeners, and a scan runs up to
 * --concurrency operations at once.
 */
const abortWaiters = new WeakMap<AbortSignal, Set<() => void>>();

export function onceAborted(signal: AbortSignal, callback: () => void): () => void {
  let waiters = abortWaiters.get(signal);
  if (!waiters) {
    const set = new Set<() => void>();
    waiters = set;
    abortWaiters.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of [...set]) waiter();
        set.clear();
      },
      { once: true },
    );
  }
  waiters.add(callback);
  return () => waiters.delete(callback);
}

export interface Deadline {
  /** Aborted with a DeadlinePassed reason after timeoutMs, or with the parent's reason. */
  signal: AbortSignal;
  /** Stops the timer; call it when the operation is over. */
  release(): void;
}

/** Abort reasons a probe wants instead of DeadlinePassed / the parent's reason. */
export interface DeadlineReasons {
  timeout?: () => unknown;
  cancelled?: () => unknown;
}

export function deadline(timeoutMs: number, parent?: AbortSignal, reasons: DeadlineReasons = {}): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(reasons.timeout ? reasons.timeout() : new DeadlinePassed(timeoutMs)),
    timeoutMs,
  );
  const onParent = (): void => controller.abort(reasons.cancelled ? reasons.cancelled() : parent?.reason);
  let detach = (): void => {};
  if (parent?.aborted) onParent();
  else if (parent) detach = onceAborted(parent, onParent);
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      detach();
    },
  };
}
