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

export interface Deadline {
  /** Aborted with a DeadlinePassed reason after timeoutMs, or with the parent's reason. */
  signal: AbortSignal;
  /** Stops the timer; call it when the operation is over. */
  release(): void;
}

export function deadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlinePassed(timeoutMs)), timeoutMs);
  let released = false;
  if (parent) {
    void whenAborted(parent).then(() => {
      if (!released) controller.abort(parent.reason);
    });
  }
  return {
    signal: controller.signal,
    release() {
      released = true;
      clearTimeout(timer);
    },
  };
}
