import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesDnsId } from '../../src/cert/hostname.js';

describe('matchesDnsId (RFC 6125)', () => {
  it.each([
    ['expc.example.com', 'expc.example.com', true],
    ['EXPC.Example.com.', 'expc.example.com', true],
    ['expc.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['a.b.example.com', '*.example.com', false],
    ['expc.example.com', 'exp*.example.com', false],
    ['expc.example.com', 'expc.*.com', false],
    ['example.com', '*.com', false],
    ['xn--bcher-kva.example.com', '*.example.com', false],
    ['expc.example.com', 'expe.example.com', false],
    ['expc.example.com', '', false],
  ])('%s against %s → %s', (reference, presented, expected) => {
    expect(matchesDnsId(reference, presented)).toBe(expected);
  });

  it('a wildcard stands for exactly one left-most label', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(label, label, fc.array(label, { minLength: 1, maxLength: 3 }), (first, extra, base) => {
        const domain = [...base, 'com'].join('.');
        expect(matchesDnsId(`${first}.${domain}`, `*.${domain}`)).toBe(!first.startsWith('xn--'));
        expect(matchesDnsId(`${extra}.${first}.${domain}`, `*.${domain}`)).toBe(false);
      }),
    );
  });
});
