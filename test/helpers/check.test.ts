import { describe, expect, it } from 'vitest';
import { defineRule } from '../../src/checks/rule.js';
import { testCheck } from './check.js';

/** testCheck is how every rule test runs a rule; it must not let a crash pass for a verdict. */
const meta = {
  id: 'MRA-DNS-001',
  slug: 'helper-probe',
  area: 'dns' as const,
  severity: 'error' as const,
  title: 'a rule of the helper test',
  vantage: 'any' as const,
  needs: [],
  scope: 'things of the test',
  messages: { unknown: 'Could not tell.' },
};
const crashes = defineRule({
  meta,
  run: async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'answers')");
  },
});
const hangs = defineRule({ meta, run: () => new Promise<never>(() => {}) });
const inventory = { domains: ['example.com'] };

describe('testCheck', () => {
  it('refuses the engine verdict for a rule that threw, naming the rule and the error', async () => {
    await expect(testCheck(crashes, { inventory })).rejects.toThrow(
      /^MRA-DNS-001 deployment: MRA-DNS-001 did not run to a verdict \(checkCrashed\): The check failed to run: Cannot read properties/,
    );
  });

  it('refuses the engine verdict for a rule that hung past its deadline', async () => {
    await expect(testCheck(hangs, { inventory, checkTimeoutMs: 50 })).rejects.toThrow(/\(checkTimedOut\)/);
  });

  it('returns them when a test about that engine behaviour opts in', async () => {
    const findings = await testCheck(crashes, { inventory, allowEngineFailure: true });
    expect(findings).toMatchObject([{ status: 'inconclusive', messageId: 'checkCrashed', target: 'deployment' }]);
  });

  it('passes a rule that judges inconclusive by itself', async () => {
    const judges = defineRule({
      meta,
      run: async () => [{ target: 'a', status: 'inconclusive', messageId: 'unknown' }],
    });
    expect(await testCheck(judges, { inventory })).toMatchObject([{ status: 'inconclusive', messageId: 'unknown' }]);
  });
});
