import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../src/engine/types.js';
import { CHUNKERS, RENDERERS, type ReportFormat } from '../../src/report/index.js';
import { jsonChunks, renderJson } from '../../src/report/json.js';
import { batched, joinChunks, jsonWithArray, writeChunks } from '../../src/report/stream.js';
import { loadReport } from './fixtures.js';

/** A sink that accepts `highWaterMark` characters, then makes the writer wait until it drains. */
class SlowSink extends Writable {
  readonly received: string[] = [];
  largestWrite = 0;
  constructor(highWaterMark: number) {
    super({ highWaterMark, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    this.received.push(chunk);
    this.largestWrite = Math.max(this.largestWrite, chunk.length);
    setImmediate(done);
  }
}

/** A report with `count` failing MRA endpoints, as MRA-CUCM-006 reports them. */
function manyFailures(count: number): Report {
  const sample = loadReport('sample');
  const template = sample.findings.find((finding) => finding.ruleId === 'MRA-CUCM-006' && finding.status === 'fail')!;
  const findings: Finding[] = Array.from({ length: count }, (_, index) => ({
    ...template,
    target: `phone SEP${index.toString(16).toUpperCase().padStart(12, '0')}`,
    fingerprint: index.toString(16).padStart(32, '0'),
    evidence: { phone: { name: `SEP${index}`, securityProfile: 'Cisco 8865 - Standard SIP Non-Secure Profile' } },
  }));
  return { ...sample, findings: [...sample.findings, ...findings] };
}

describe('streamed reports', () => {
  it('jsonWithArray writes exactly what JSON.stringify(value, null, 2) writes, whatever the data', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.array(fc.jsonValue()),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (before, items, after) => {
          const value = { ...before, list: items, ...after };
          const pieces = jsonWithArray((marker) => ({ ...value, list: marker }), items);
          return joinChunks(pieces) === JSON.stringify(value, null, 2);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a string equal to any fixed marker in the data cannot break the output: the marker is random', () => {
    const value = { note: 'mra-preflight-array-', list: [1, 2], tail: 'mra-preflight-array-x' };
    const text = joinChunks(jsonWithArray((marker) => ({ ...value, list: marker }), value.list));
    expect(JSON.parse(text)).toEqual(value);
  });

  it('the JSON report streamed is byte for byte the report stringified', () => {
    for (const report of [loadReport('sample'), loadReport('clean'), { ...loadReport('clean'), findings: [] }])
      expect(renderJson(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  it('batches small pieces into writes of about 64 KiB, in order', () => {
    const pieces = Array.from({ length: 40_000 }, (_, index) => `${index},`);
    const batches = [...batched(pieces)];
    expect(batches.join('')).toBe(pieces.join(''));
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches.slice(0, -1)) expect(batch.length).toBeLessThan(64 * 1024 + 10);
  });

  it('waits for the stream to drain: 20,000 failing endpoints in every format, no write larger than a batch', async () => {
    const report = manyFailures(20_000);
    for (const format of Object.keys(CHUNKERS) as ReportFormat[]) {
      const sink = new SlowSink(16 * 1024);
      let peakBuffered = 0;
      const original = sink.write.bind(sink);
      sink.write = ((chunk: string) => {
        const accepted = original(chunk);
        peakBuffered = Math.max(peakBuffered, sink.writableLength);
        return accepted;
      }) as typeof sink.write;
      await writeChunks(CHUNKERS[format](report, { color: false }), sink);
      const text = sink.received.join('');
      expect(text.length, format).toBeGreaterThan(0);
      // Each write is one batch of pieces (one finding at most ~10 KB past the batch size), and the
      // writer never runs ahead of the sink by more than one batch beyond its high-water mark.
      expect(sink.largestWrite, format).toBeLessThan(64 * 1024 + 20_000);
      expect(peakBuffered, format).toBeLessThan(16 * 1024 + 64 * 1024 + 20_000);
      if (format === 'json') expect(JSON.parse(text).findings).toHaveLength(report.findings.length);
      if (format === 'sarif')
        expect(JSON.parse(text).runs[0].results).toHaveLength(
          report.findings.filter((finding) => finding.status !== 'pass').length,
        );
      if (format === 'junit') expect(text.match(/<testcase /g)).toHaveLength(report.findings.length);
    }
  });

  it('the string renderers are the streamed pieces joined', () => {
    const sample = loadReport('sample');
    for (const format of Object.keys(CHUNKERS) as ReportFormat[])
      expect(RENDERERS[format]!(sample, { color: false }), format).toBe(
        joinChunks(CHUNKERS[format](sample, { color: false })),
      );
    expect(joinChunks(jsonChunks(sample))).toBe(renderJson(sample));
  });

  it('a write error while waiting for the drain ends the write with that error', async () => {
    const failing = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, done) {
        setImmediate(() => done(new Error('ENOSPC: no space left on device')));
      },
    });
    failing.on('error', () => undefined);
    await expect(writeChunks(CHUNKERS.json(manyFailures(2_000), { color: false }), failing)).rejects.toThrow(/ENOSPC/);
  });
});
