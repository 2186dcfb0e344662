import { afterEach, describe, expect, it } from 'vitest';
import { parseReportTargets, useColor } from '../../src/cli/output.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;
const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('--report targets', () => {
  it('defaults to text on stdout and keeps paths with = and commas whole', () => {
    expect(parseReportTargets(undefined)).toEqual([{ format: 'text' }]);
    expect(parseReportTargets(['json=out/a,b=c.json', 'html'])).toEqual([
      { format: 'json', path: 'out/a,b=c.json' },
      { format: 'html' },
    ]);
  });

  it('refuses two formats on stdout and unknown formats', () => {
    expect(() => parseReportTargets(['json', 'text'])).toThrow('only one format can go to standard output');
    expect(() => parseReportTargets(['xml=a.xml'])).toThrow('unknown format "xml"');
  });
});

describe('colour', () => {
  it('is off when NO_COLOR is set, and off on a pipe', () => {
    delete process.env.FORCE_COLOR;
    process.env.NO_COLOR = '1';
    expect(useColor(tty)).toBe(false);
    delete process.env.NO_COLOR;
    expect(useColor(pipe)).toBe(false);
    process.env.FORCE_COLOR = '1';
    expect(useColor(pipe)).toBe(true);
  });
});
