import type { ProgressEvent } from '../engine/run.js';

/** One self-overwriting line on a TTY (stderr): which checks are running and how many are done. */
export function createProgress(
  stream: NodeJS.WriteStream,
  enabled: boolean,
): { onProgress?: (event: ProgressEvent) => void; end(): void } {
  if (!enabled || !stream.isTTY) return { end() {} };
  const running = new Set<string>();
  let drawn = false;
  const draw = (done: number, total: number): void => {
    const names = [...running].slice(0, 4).join(' ');
    const more = running.size > 4 ? ` +${running.size - 4}` : '';
    const line = `[${done}/${total}] running ${names}${more}`;
    stream.write(`\r\u001b[2K${line.slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
    drawn = true;
  };
  return {
    onProgress(event) {
      if (event.type === 'start') running.add(event.ruleId);
      else running.delete(event.ruleId);
      draw(event.done, event.total);
    },
    end() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
