import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareExpresswayVersions, ExpresswayVersion, ExpresswayVersionError } from '../../src/expressway/version.js';

const v = (raw: string): ExpresswayVersion => ExpresswayVersion.parse(raw);

describe('ExpresswayVersion.parse', () => {
  it.each([
    ['X8.10', [8, 10], undefined],
    ['X8.10.1', [8, 10, 1], undefined],
    ['X8.11.4', [8, 11, 4], undefined],
    ['X12.5', [12, 5], undefined],
    ['X14.0.11', [14, 0, 11], undefined],
    ['X15.2.4.', [15, 2, 4], undefined],
    ['x14.3.1', [14, 3, 1], undefined],
    ['8.10', [8, 10], undefined],
    ['  X14.3.1 ', [14, 3, 1], undefined],
    ['X14.2RC1', [14, 2], { stage: 'rc', number: 1 }],
    ['X14.0.2 RC 3', [14, 0, 2], { stage: 'rc', number: 3 }],
    ['X14.0.2-rc2', [14, 0, 2], { stage: 'rc', number: 2 }],
    ['X15.0 beta', [15, 0], { stage: 'beta', number: 0 }],
    ['X15.0beta2', [15, 0], { stage: 'beta', number: 2 }],
  ])('parses %s', (raw, numbers, preRelease) => {
    const version = v(raw);
    expect(version.numbers).toEqual(numbers);
    expect(version.preRelease).toEqual(preRelease);
    expect(version.raw).toBe(raw);
  });

  it.each([
    '',
    '   ',
    'X',
    'X.10',
    'X8..10',
    'Y8.10',
    'X8.10 foo',
    'Release 2 beta',
    'X8.10.1.2.3.4.5',
    '14,0,2',
    'X-8.10',
    '&lol5;',
    'X8.10RC1RC2',
  ])('rejects %j with a typed error that keeps the raw string', (raw) => {
    expect(() => v(raw)).toThrow(ExpresswayVersionError);
    const parsed = ExpresswayVersion.tryParse(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.raw).toBe(raw);
  });

  it('caps what it echoes back from a very long input', () => {
    const raw = `X${'9'.repeat(5000)}`;
    const parsed = ExpresswayVersion.tryParse(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message.length).toBeLessThan(200);
  });

  it('prints the canonical spelling', () => {
    expect(v('x14.0.2 rc 3').toString()).toBe('X14.0.2 RC3');
    expect(v('X15.2.4.').toString()).toBe('X15.2.4');
    expect(v('8.10').toString()).toBe('X8.10');
  });
});

describe('ExpresswayVersion order', () => {
  it('compares numerically, not as text', () => {
    expect(v('X8.9').isOlderThan(v('X8.10'))).toBe(true);
    expect(v('X8.10').isOlderThan(v('X14.0.2'))).toBe(true);
    expect(v('X8.9.2').isOlderThan(v('X8.10'))).toBe(true);
    expect(v('X14.0.2').isOlderThan(v('X14.0.11'))).toBe(true);
    expect(v('X9.1').isOlderThan(v('X12.5'))).toBe(true);
    expect(v('X14.0.11').isOlderThan(v('X14.0.2'))).toBe(false);
  });

  it('treats missing components as zero and ignores spelling', () => {
    expect(v('X8.10').equals(v('X8.10.0'))).toBe(true);
    expect(v('X15.2.4.').equals(v('x15.2.4'))).toBe(true);
    expect(v('X14.2 RC1').equals(v('X14.2.0rc1'))).toBe(true);
    expect(v('X8.10.1').equals(v('X8.10'))).toBe(false);
  });

  it('sorts release candidates and betas before the release', () => {
    expect(v('X14.2RC1').isOlderThan(v('X14.2'))).toBe(true);
    expect(v('X14.2 RC1').isOlderThan(v('X14.2 RC2'))).toBe(true);
    expect(v('X14.2 beta').isOlderThan(v('X14.2 RC1'))).toBe(true);
    expect(v('X14.2 RC9').isOlderThan(v('X14.2.1'))).toBe(true);
    expect(v('X14.1.9').isOlderThan(v('X14.2RC1'))).toBe(true);
  });

  it('sorts a list of releases', () => {
    const sorted = ['X14.0.11', 'X8.10.1', 'X15.2.4.', 'X8.9.2', 'X14.0.2', 'X8.10', 'X12.5', 'X14.2RC1', 'X8.11.4']
      .map(v)
      .sort(compareExpresswayVersions)
      .map((version) => version.raw);
    expect(sorted).toEqual([
      'X8.9.2',
      'X8.10',
      'X8.10.1',
      'X8.11.4',
      'X12.5',
      'X14.0.2',
      'X14.0.11',
      'X14.2RC1',
      'X15.2.4.',
    ]);
  });

  const arbitraryVersion = fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
      fc.option(fc.tuple(fc.constantFrom('RC', 'beta', 'alpha'), fc.integer({ min: 0, max: 5 })), { nil: undefined }),
    )
    .map(([numbers, pre]) => `X${numbers.join('.')}${pre ? ` ${pre[0]}${pre[1]}` : ''}`);

  it('is a total order: antisymmetric and transitive; the canonical spelling parses to an equal version', () => {
    fc.assert(
      fc.property(arbitraryVersion, arbitraryVersion, arbitraryVersion, (a, b, c) => {
        const [x, y, z] = [v(a), v(b), v(c)];
        expect(Math.sign(x.compare(y)) + Math.sign(y.compare(x)) + 0).toBe(0);
        if (x.compare(y) <= 0 && y.compare(z) <= 0) expect(x.compare(z)).toBeLessThanOrEqual(0);
        expect(v(x.toString()).equals(x)).toBe(true);
      }),
    );
  });
});

describe('ExpresswayVersionError', () => {
  const errorOf = (raw: unknown): ExpresswayVersionError => {
    const parsed = ExpresswayVersion.tryParse(raw as string);
    if (parsed.ok) throw new Error(`${String(raw)} parsed`);
    return parsed.error;
  };

  it('names itself and says which input and why in its message', () => {
    const error = errorOf('X8..10');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExpresswayVersionError');
    expect(error.reason).toBe('expected a release such as X8.10, X14.0.11 or X14.2 RC1');
    expect(error.message).toBe(
      '"X8..10" is not an Expressway version (expected a release such as X8.10, X14.0.11 or X14.2 RC1)',
    );
  });

  it('rejects a value that is not a string with a typed error, not a TypeError', () => {
    const error = errorOf(42);
    expect(error.raw).toBe('42');
    expect(error.reason).toBe('not a string');
    expect(error.message).toBe('"42" is not an Expressway version (not a string)');
    expect(errorOf(undefined).message).toBe('"undefined" is not an Expressway version (not a string)');
  });

  it('says an empty or blank input is empty', () => {
    expect(errorOf('').reason).toBe('empty');
    expect(errorOf('  \t ').reason).toBe('empty');
    expect(errorOf('  \t ').raw).toBe('  \t ');
  });

  it('accepts 64 characters and says when an input is longer', () => {
    const sixtyFour = `X14.2${' '.repeat(56)}RC1`;
    expect(sixtyFour).toHaveLength(64);
    expect(v(sixtyFour).toString()).toBe('X14.2 RC1');
    const sixtyFive = `X14.2${' '.repeat(57)}RC1`;
    const error = errorOf(sixtyFive);
    expect(error.reason).toBe('longer than 64 characters');
    expect(error.raw).toBe(sixtyFive.slice(0, 64));
  });

  it('accepts six numeric components and says when there are more', () => {
    expect(v('X1.2.3.4.5.6').numbers).toEqual([1, 2, 3, 4, 5, 6]);
    const error = errorOf('X1.2.3.4.5.6.7');
    expect(error.reason).toBe('more than 6 numeric components');
    expect(error.raw).toBe('X1.2.3.4.5.6.7');
  });

  it('tryParse returns only its own errors and lets any other failure through', () => {
    const hostile = {
      toString(): string {
        throw new RangeError('no string for you');
      },
    };
    expect(() => ExpresswayVersion.tryParse(hostile as unknown as string)).toThrow(new RangeError('no string for you'));
  });
});

describe('ExpresswayVersion details', () => {
  it('gives the major release', () => {
    expect(v('X14.0.2').major).toBe(14);
    expect(v('8.10').major).toBe(8);
  });

  it('prints a pre-release without a number as the bare stage', () => {
    expect(v('X15.0 beta').toString()).toBe('X15.0 beta');
    expect(v('X15.0 beta0').toString()).toBe('X15.0 beta');
    expect(v('X15.0 alpha1').toString()).toBe('X15.0 alpha1');
    expect(v('X14.2rc').toString()).toBe('X14.2 RC');
  });
});
