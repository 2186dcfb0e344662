import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadCatalog } from '../../src/engine/catalog.js';
import { KNOWN_RULE_NAMES } from '../helpers/check.js';
import { runScan } from '../../src/engine/run.js';
import type { Report } from '../../src/engine/types.js';
import { normalizeInventory } from '../../src/inventory/load.js';
import { startLab, type Lab } from '../../lab/index.js';
import { RENDERERS } from '../../src/report/index.js';
import { startHostileHttp } from '../helpers/hostile/http.js';
import { hostileScan } from './scan.js';
import { buildCli, runCli, STACK_FRAME, type BuiltCli, type CliResult } from './built-cli.js';

/**
 * SPEC section 2: secrets (AXL and Expressway passwords) come from environment variables named in
 * the inventory and never appear in a report, in logs or in error messages. A full live scan of the
 * embedded lab (where those passwords are really used: AXL and status.xml answer only with them)
 * is run by the built CLI with every report format, and everything it wrote is searched for them,
 * in the forms a leak would take (plain, Basic auth header, URL- and JSON-encoded).
 */
let cli: BuiltCli;
let lab: Lab;
let out: string;

interface LabInventory {
  cucm: { axl?: { usernameEnv?: string; passwordEnv?: string } };
  nodes: Array<{ status?: { usernameEnv?: string; passwordEnv?: string } }>;
}

beforeAll(async () => {
  cli = buildCli();
  lab = await startLab();
  out = mkdtempSync(join(tmpdir(), 'mra-preflight-secrets-'));
}, 180_000);

afterAll(async () => {
  await lab?.stop();
  cli?.remove();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** The env var pairs the lab inventory names: [usernameEnv, passwordEnv]. */
function credentialEnvs(): Array<[string, string]> {
  const inventory = parseYaml(readFileSync(lab.inventoryPath, 'utf8')) as LabInventory;
  const blocks = [inventory.cucm.axl, ...inventory.nodes.map((node) => node.status)].filter(
    (block) => block?.passwordEnv,
  );
  return blocks.map((block) => [block!.usernameEnv ?? '', block!.passwordEnv!]);
}

/** Every form in which a password could leak: as is, in a Basic header, URL- or JSON-escaped. */
function leakForms(env: Record<string, string>): string[] {
  const forms: string[] = [];
  for (const [userEnv, passEnv] of credentialEnvs()) {
    const password = env[passEnv];
    if (!password) continue;
    const user = env[userEnv] ?? '';
    forms.push(password, encodeURIComponent(password), JSON.stringify(password).slice(1, -1));
    forms.push(Buffer.from(`${user}:${password}`).toString('base64'), Buffer.from(password).toString('base64'));
  }
  return [...new Set(forms)];
}

function everythingWritten(result: CliResult, dir: string): Array<[string, string]> {
  const files = readdirSync(dir).map((name): [string, string] => [name, readFileSync(join(dir, name), 'utf8')]);
  return [['stdout', result.stdout], ['stderr', result.stderr], ...files];
}

function expectNoLeak(outputs: Array<[string, string]>, forms: readonly string[]): void {
  for (const [where, text] of outputs) {
    for (const form of forms) expect(text.includes(form), `a secret appears in ${where}`).toBe(false);
  }
}

describe('secrets in a full live scan of the embedded lab', () => {
  it('appear in no report format, nor on stdout or stderr, while the scan really authenticates', async () => {
    expect(credentialEnvs().length).toBeGreaterThanOrEqual(2);
    const dir = join(out, 'full');
    const reports = ['json', 'html', 'sarif', 'junit']
      .map((format) => ['--report', `${format}=${join(dir, `report.${format}`)}`])
      .flat();
    const result = await runCli(
      cli.main,
      ['check', '-i', lab.inventoryPath, '--timeout', '2000', '--report', 'text', ...reports],
      { env: lab.env },
    );
    expect([0, 1]).toContain(result.code);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const outputs = everythingWritten(result, dir);
    expect(outputs.map(([where]) => where).sort()).toEqual([
      'report.html',
      'report.json',
      'report.junit',
      'report.sarif',
      'stderr',
      'stdout',
    ]);
    // The passwords were used: AXL and status.xml answered (they refuse without them).
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(
      report.findings.filter((finding) => finding.ruleId === 'MRA-CUCM-001').map((finding) => finding.status),
    ).toContain('pass');
    expect(
      report.findings.find((finding) => finding.ruleId === 'MRA-EXP-001' && finding.target === 'expc.example.com')
        ?.status,
    ).toBe('pass');
    expectNoLeak(outputs, leakForms(lab.env));
  });

  it('appear nowhere when the passwords are wrong (error paths) or with --debug', async () => {
    const wrong: Record<string, string> = { ...lab.env };
    for (const [, passEnv] of credentialEnvs()) wrong[passEnv] = `Wr0ng-${passEnv}-Distinctive-Pa55!%&"<`;
    for (const debug of [false, true]) {
      const dir = join(out, `wrong-${debug}`);
      const result = await runCli(
        cli.main,
        [
          'check',
          '-i',
          lab.inventoryPath,
          '--timeout',
          '2000',
          '--only',
          'cucm,exp',
          '--report',
          'json',
          '--report',
          `html=${join(dir, 'report.html')}`,
          '--report',
          `sarif=${join(dir, 'report.sarif')}`,
          ...(debug ? ['--debug'] : []),
        ],
        { env: wrong },
      );
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      // The wrong password was sent and refused: the rules say so instead of passing.
      expect(report.findings.find((finding) => finding.ruleId === 'MRA-CUCM-001')?.status).toBe('inconclusive');
      expect(
        report.findings.find((finding) => finding.ruleId === 'MRA-EXP-001' && finding.target === 'expc.example.com')
          ?.status,
      ).toBe('inconclusive');
      expectNoLeak(everythingWritten(result, dir), leakForms(wrong));
    }
  });
});

describe('insecure: true', () => {
  it('gives a visible warning finding for AXL and for status.xml, in the report and the text output', async () => {
    const data = parseYaml(readFileSync(lab.inventoryPath, 'utf8')) as {
      cucm: { axl: Record<string, unknown> };
      nodes: Array<{ status?: Record<string, unknown> }>;
    };
    data.cucm.axl.insecure = true;
    for (const node of data.nodes) if (node.status) node.status.insecure = true;
    const catalog = await loadCatalog();
    const inventory = normalizeInventory(data, lab.inventoryPath, KNOWN_RULE_NAMES);
    const report = await runScan({
      inventory,
      catalog,
      only: ['MRA-CUCM-001', 'MRA-EXP-001'],
      timeoutMs: 2000,
      env: lab.env,
    });
    const warnings = report.findings.filter((finding) => finding.messageId === 'tlsVerificationOff');
    expect(warnings.map((finding) => finding.ruleId).sort()).toEqual(['MRA-CUCM-001', 'MRA-EXP-001']);
    for (const warning of warnings) {
      expect(warning.status).toBe('fail');
      expect(warning.severity).toBe('warning');
    }
    const text = RENDERERS.text!(report, { color: false, quiet: true });
    for (const warning of warnings) expect(text).toContain(warning.message);
    expectNoLeak(
      [
        ['text', text],
        ['json', JSON.stringify(report)],
      ],
      leakForms(lab.env),
    );
  });
});

describe('TLS verification by default', () => {
  it('sends no request (so no password) to an AXL or status.xml server whose certificate is not trusted', async () => {
    const axl = await startHostileHttp('empty', { flavour: 'soap' });
    const status = await startHostileHttp('empty', { flavour: 'Status' });
    try {
      const env = {
        V_AXL_USER: 'axl',
        V_AXL_PASS: 'Verify-Default-Pa55',
        V_EXP_USER: 'admin',
        V_EXP_PASS: 'Verify-Default-Pa55',
      };
      const inventory = (withCa: boolean): Record<string, unknown> => ({
        domains: ['example.com'],
        nodes: [
          { fqdn: 'cucm-pub.example.com', role: 'cucm-publisher' },
          {
            fqdn: 'expc.example.com',
            role: 'expressway-c',
            status: {
              url: `${status.url}/status.xml`,
              usernameEnv: 'V_EXP_USER',
              passwordEnv: 'V_EXP_PASS',
              ...(withCa ? { caFile: status.caFile } : {}),
            },
          },
        ],
        cucm: {
          axl: {
            url: `${axl.url}/axl/`,
            version: '15.0',
            usernameEnv: 'V_AXL_USER',
            passwordEnv: 'V_AXL_PASS',
            ...(withCa ? { caFile: axl.caFile } : {}),
          },
          mraDevicePools: ['MRA_DP'],
        },
      });
      const untrusted = await hostileScan(inventory(false), {
        only: ['MRA-CUCM-001', 'MRA-EXP-001'],
        timeoutMs: 2000,
        env,
      });
      expect(axl.requests() + status.requests()).toBe(0);
      for (const ruleId of ['MRA-CUCM-001', 'MRA-EXP-001']) {
        const statuses = untrusted.findings
          .filter((finding) => finding.ruleId === ruleId)
          .map((finding) => finding.status);
        expect(statuses, ruleId).toContain('inconclusive');
        expect(statuses, ruleId).not.toContain('pass');
      }
      // The same servers with their CA given: the requests do go out (the test can tell the difference).
      await hostileScan(inventory(true), { only: ['MRA-CUCM-001', 'MRA-EXP-001'], timeoutMs: 2000, env });
      expect(axl.requests()).toBeGreaterThan(0);
      expect(status.requests()).toBeGreaterThan(0);
    } finally {
      await Promise.all([axl.stop(), status.stop()]);
    }
  });
});
