import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { written: string } {
  const stream = {
    isTTY,
    columns: 80,
    written: '',
    write(chunk: string) {
      stream.written += chunk;
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { written: string };
}

describe('progress', () => {
  it('draws one self-overwriting line on a TTY and clears it at the end', () => {
    const stream = fakeStream(true);
    const progress = createProgress(stream, true);
    progress.onProgress?.({ type: 'start', ruleId: 'MRA-DNS-001', done: 0, total: 2 });
    progress.onProgress?.({ type: 'start', ruleId: 'MRA-NTP-001', done: 0, total: 2 });
    progress.onProgress?.({ type: 'done', ruleId: 'MRA-DNS-001', done: 1, total: 2 });
    expect(stream.written).toContain('[0/2] running MRA-DNS-001 MRA-NTP-001');
    expect(stream.written).toContain('[1/2] running MRA-NTP-001');
    progress.end();
    expect(stream.written.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('prints nothing when the stream is not a TTY or progress is off (--quiet)', () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const stream = fakeStream(tty);
      const progress = createProgress(stream, enabled);
      expect(progress.onProgress).toBeUndefined();
      progress.end();
      expect(stream.written).toBe('');
    }
  });
});
