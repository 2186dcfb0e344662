import { afterEach, describe, expect, it } from 'vitest';
import { ntpChecks } from '../../../src/checks/ntp/index.js';
import { loadCatalog } from '../../../src/engine/catalog.js';
import { Limiter } from '../../../src/probes/limiter.js';
import { runScan } from '../../../src/engine/run.js';
import { createServices } from '../../../src/checks/services.js';
import type { Report } from '../../../src/engine/types.js';
import type { LabDraft } from '../../../lab/index.js';
import { ntpLabPart, type SntpServer } from '../../../lab/ntp.js';
import { fixtureInventory } from '../../helpers/check.js';
import { startSntpResponder } from '../../helpers/sntp-responder.js';

/** The live NTP rules; MRA-NTP-004 reads the CUCM configuration, not the servers. */
const LIVE_NTP_RULES = ['MRA-NTP-001', 'MRA-NTP-002', 'MRA-NTP-003'];

/** MRA-NTP-001..003 together, as a scan runs them: one shared exchange per server. */
async function scanNtp(inventory: Record<string, unknown>, timeoutMs = 1000): Promise<Report> {
  const normalized = fixtureInventory({ inventory });
  const services = createServices({
    inventory: normalized,
    offline: false,
    timeoutMs,
    limiter: new Limiter(8),
    signal: new AbortController().signal,
    env: {},
  });
  try {
    return await runScan({
      inventory: normalized,
      catalog: loadCatalog(),
      checks: ntpChecks,
      only: LIVE_NTP_RULES,
      timeoutMs,
      services,
    });
  } finally {
    await services.close();
  }
}

const statusOf = (report: Report, ruleId: string, target: string): string | undefined =>
  report.findings.find((finding) => finding.ruleId === ruleId && finding.target === target)?.status;

const servers: SntpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe('the NTP area in one scan', () => {
  it('sends one request per server for all three rules', async () => {
    const server = await startSntpResponder({ kind: 'serve', stratum: 2 });
    servers.push(server);
    const report = await scanNtp({ domains: ['example.com'], ntp: { servers: [server.address] } });
    expect(report.findings.map((finding) => `${finding.ruleId} ${finding.status}`)).toEqual([
      'MRA-NTP-001 pass',
      'MRA-NTP-002 pass',
      'MRA-NTP-003 pass',
    ]);
    expect(server.requests).toBe(1);
  });

  it('reports a kiss-of-death once, in MRA-NTP-001; the other rules skip that server', async () => {
    const kod = await startSntpResponder({ kind: 'kiss', code: 'DENY' });
    servers.push(kod);
    const report = await scanNtp({ domains: ['example.com'], ntp: { servers: [kod.address] } });
    expect(statusOf(report, 'MRA-NTP-001', kod.address)).toBe('fail');
    expect(statusOf(report, 'MRA-NTP-002', kod.address)).toBe('skipped');
    expect(statusOf(report, 'MRA-NTP-003', kod.address)).toBe('skipped');
    expect(report.summary.fail).toBe(1);
  });

  it('scans the demo lab: a good stratum-2 server and a stratum-5 one (MRA-NTP-002 warning)', async () => {
    const draft = { ntp: { servers: [] } } as unknown as LabDraft;
    const stop = await ntpLabPart({ dir: '', draft, env: {} });
    try {
      expect(draft.ntp.servers).toHaveLength(2);
      const [good, distant] = draft.ntp.servers as [string, string];
      const report = await scanNtp({ domains: ['example.com'], ntp: { servers: draft.ntp.servers } });
      expect(statusOf(report, 'MRA-NTP-001', good)).toBe('pass');
      expect(statusOf(report, 'MRA-NTP-001', distant)).toBe('pass');
      expect(statusOf(report, 'MRA-NTP-002', good)).toBe('pass');
      const warning = report.findings.find((finding) => finding.ruleId === 'MRA-NTP-002' && finding.target === distant);
      expect(warning).toMatchObject({ status: 'fail', severity: 'warning' });
      expect(statusOf(report, 'MRA-NTP-003', good)).toBe('pass');
      expect(statusOf(report, 'MRA-NTP-003', distant)).toBe('pass');
    } finally {
      await stop();
    }
  });
});
