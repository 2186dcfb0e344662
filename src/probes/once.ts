/**
 * One exchange per key per run: the first caller starts it, later callers share its promise. The
 * sources built on the probes use it so that rules looking at the same peer (the certificate rules
 * on one endpoint, the edge rules on one Expressway-E) make a single exchange.
 */
export function oncePerKey<T>(): (key: string, start: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, start) => {
    let promise = pending.get(key);
    if (!promise) {
      promise = start();
      pending.set(key, promise);
    }
    return promise;
  };
}
