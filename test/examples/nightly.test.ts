import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { describe, expect, it } from 'vitest';
import {
  EXAMPLES,
  exampleYamlDocuments,
  exportsRepository,
  PACKAGE_VERSION,
  readExample,
  runShell,
  useSnapshot,
} from './recipe.js';

/**
 * The nightly scan with a baseline (examples/nightly/): the wrapper script is run night after night on
 * fixture exports; the systemd units go through `systemd-analyze verify`; the Kubernetes objects are
 * validated against the Kubernetes API schema (kubernetes-models, generated from the Kubernetes
 * OpenAPI definitions) and must fit together with the image and the script.
 */

const SCRIPT = join(EXAMPLES, 'nightly', 'mra-preflight-nightly.sh');

interface Summary {
  fail: number;
  baseline?: { new: number; unchanged: number };
}

const summaryOf = (state: string): Summary =>
  (JSON.parse(readFileSync(join(state, 'latest', 'report.json'), 'utf8')) as { summary: Summary }).summary;

/** The install path the recipes give the script (the systemd unit's comment, the Dockerfile). */
function installedScriptPaths(): string[] {
  const service = readExample('nightly/systemd/mra-preflight-nightly@.service');
  const dockerfile = readExample('nightly/Dockerfile');
  return [
    /install -m 0755 examples\/nightly\/mra-preflight-nightly\.sh (\S+)/.exec(service)?.[1] ?? '',
    /install -m 0755 \/tmp\/mra-preflight-nightly\.sh (\S+)/.exec(dockerfile)?.[1] ?? '',
  ];
}

describe('examples/nightly/mra-preflight-nightly.sh', () => {
  it("alerts on new findings only: last night's report is the baseline, a failed start keeps it", async () => {
    const repo = exportsRepository('cucm-002-not-encrypted');
    const state = join(repo, 'state');
    const night = () =>
      runShell([SCRIPT, 'mra-preflight.yaml', state, '--offline'], repo, { MRA_PREFLIGHT_KEEP_RUNS: '2' });

    const first = await night();
    expect(first.code, first.stderr).toBe(1);
    expect(summaryOf(state).fail).toBeGreaterThan(0);
    expect(summaryOf(state).baseline).toBeUndefined();

    const second = await night();
    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(state).baseline).toMatchObject({ new: 0 });
    expect(summaryOf(state).baseline!.unchanged).toBeGreaterThan(0);

    useSnapshot(repo, 'cucm-003-not-tls');
    const third = await night();
    expect(third.code, third.stderr).toBe(1);
    expect(summaryOf(state).baseline!.new).toBeGreaterThan(0);
    const baseline = readFileSync(join(state, 'baseline.json'), 'utf8');
    const latest = readlinkSync(join(state, 'latest'));

    writeFileSync(join(repo, 'mra-preflight.yaml'), 'domains: [example.com]\ncucm: { snapshot: missing.json }\n');
    const broken = await night();
    expect(broken.code).toBe(2);
    expect(readFileSync(join(state, 'baseline.json'), 'utf8')).toBe(baseline);
    expect(readlinkSync(join(state, 'latest'))).toBe(latest);

    for (const file of ['report.json', 'report.html', 'report.junit.xml'])
      expect(existsSync(join(state, 'latest', file)), file).toBe(true);
    expect(readdirSync(join(state, 'runs'))).toHaveLength(2);
  }, 120_000);

  it('is installed at the same path by the systemd recipe and the image', () => {
    const [systemd, image] = installedScriptPaths();
    expect(systemd).toBe('/usr/local/bin/mra-preflight-nightly');
    expect(image).toBe(systemd);
  });
});

/** `Key=value` lines of one section of a unit file. */
function unitSection(text: string, section: string): Record<string, string> {
  const body = text.split(/^\[/m).find((part) => part.startsWith(`${section}]`)) ?? '';
  return Object.fromEntries(
    body
      .split('\n')
      .slice(1)
      .filter((line) => /^\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const SYSTEM_UNITS = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((dir) =>
  existsSync(join(dir, 'sysinit.target')),
);

describe('examples/nightly/systemd', () => {
  const service = readExample('nightly/systemd/mra-preflight-nightly@.service');
  const timer = readExample('nightly/systemd/mra-preflight-nightly@.timer');

  it('runs the script on the instance inventory into its StateDirectory, secrets from an EnvironmentFile', () => {
    const unit = unitSection(service, 'Service');
    expect(unit.Type).toBe('oneshot');
    const [command, inventory, state] = unit.ExecStart!.split(' ');
    expect(command).toBe(installedScriptPaths()[0]);
    expect(inventory).toBe('/etc/mra-preflight/%i.yaml');
    expect(state).toBe(`/var/lib/${unit.StateDirectory}`);
    expect(unit.EnvironmentFile).toBe('/etc/mra-preflight/%i.env');
    expect(unit.DynamicUser).toBe('yes');
    const schedule = unitSection(timer, 'Timer');
    expect(schedule.Persistent).toBe('true');
    expect(unitSection(timer, 'Install').WantedBy).toBe('timers.target');
  });

  // systemd-analyze is part of systemd; where it is missing (not a systemd host) the key checks above stand alone.
  it.skipIf(!systemdAnalyze && process.env.CI !== 'true')(
    'passes systemd-analyze verify and its calendar parses',
    () => {
      expect(SYSTEM_UNITS, 'systemd unit directory').toBeDefined();
      // A root holding the system's units, ours, and the script where the unit expects it.
      const root = mkdtempSync(join(tmpdir(), 'mra-systemd-'));
      cpSync(SYSTEM_UNITS!, join(root, 'usr', 'lib', 'systemd', 'system'), { recursive: true, verbatimSymlinks: true });
      mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
      for (const unit of ['mra-preflight-nightly@.service', 'mra-preflight-nightly@.timer'])
        cpSync(join(EXAMPLES, 'nightly', 'systemd', unit), join(root, 'etc', 'systemd', 'system', unit));
      const script = join(root, installedScriptPaths()[0]!);
      mkdirSync(dirname(script), { recursive: true });
      cpSync(SCRIPT, script);
      chmodSync(script, 0o755);
      const verify = spawnSync(
        'systemd-analyze',
        [
          'verify',
          `--root=${root}`,
          '--man=no',
          'mra-preflight-nightly@cluster-a.service',
          'mra-preflight-nightly@cluster-a.timer',
        ],
        { encoding: 'utf8' },
      );
      expect(verify.status, verify.stderr).toBe(0);
      // Unknown keys and bad values are only warnings to systemd: none may appear.
      expect(verify.stderr + verify.stdout).toBe('');
      const calendar = spawnSync('systemd-analyze', ['calendar', unitSection(timer, 'Timer').OnCalendar!], {
        encoding: 'utf8',
      });
      expect(calendar.status, calendar.stderr).toBe(0);
    },
  );
});

describe('examples/nightly/kubernetes/cluster-a.yaml and the image', () => {
  const documents = exampleYamlDocuments('nightly/kubernetes/cluster-a.yaml');
  const byKind = (kind: string) => documents.filter((document) => document.kind === kind);
  const cronJob = new CronJob(byKind('CronJob')[0] as ConstructorParameters<typeof CronJob>[0]);
  const pod = cronJob.spec!.jobTemplate.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('is a ConfigMap, a Secret, a PersistentVolumeClaim and a CronJob valid by the Kubernetes API schema', () => {
    expect(documents.map((document) => document.kind)).toEqual([
      'ConfigMap',
      'Secret',
      'PersistentVolumeClaim',
      'CronJob',
    ]);
    new ConfigMap(byKind('ConfigMap')[0] as ConstructorParameters<typeof ConfigMap>[0]).validate();
    new Secret(byKind('Secret')[0] as ConstructorParameters<typeof Secret>[0]).validate();
    new PersistentVolumeClaim(
      byKind('PersistentVolumeClaim')[0] as ConstructorParameters<typeof PersistentVolumeClaim>[0],
    ).validate();
    cronJob.validate();
    // The validator is the real schema: a wrong enum value or type is refused.
    expect(() =>
      new CronJob({ ...cronJob.toJSON(), spec: { ...cronJob.spec!, concurrencyPolicy: 'Never' } }).validate(),
    ).toThrow(/concurrencyPolicy/);
  });

  it('wires inventory, secrets and the report volume together, one deployment at a time', () => {
    expect(cronJob.spec!.concurrencyPolicy).toBe('Forbid');
    expect(cronJob.spec!.jobTemplate.spec!.backoffLimit).toBe(0);
    expect(pod.restartPolicy).toBe('Never');
    const mountOf = (volume: string) => container.volumeMounts!.find((mount) => mount.name === volume)!.mountPath;
    const volume = (name: string) => pod.volumes!.find((candidate) => candidate.name === name)!;
    const [inventoryArg, stateArg] = container.args!;
    // The inventory argument is a key of the mounted ConfigMap.
    const configMap = byKind('ConfigMap')[0] as { metadata: { name: string }; data: Record<string, string> };
    const inventoryVolume = pod.volumes!.find((candidate) => candidate.configMap?.name === configMap.metadata.name)!;
    expect(posix.dirname(inventoryArg!)).toBe(mountOf(inventoryVolume.name));
    expect(Object.keys(configMap.data)).toContain(posix.basename(inventoryArg!));
    // The state folder is the PersistentVolumeClaim, so the baseline survives from one night to the next.
    const claim = (byKind('PersistentVolumeClaim')[0] as { metadata: { name: string } }).metadata.name;
    const reports = pod.volumes!.find((candidate) => candidate.persistentVolumeClaim?.claimName === claim)!;
    expect(stateArg).toBe(mountOf(reports.name));
    // Secrets come in as the environment variables the inventory names.
    const secret = byKind('Secret')[0] as { metadata: { name: string }; stringData: Record<string, string> };
    expect(container.envFrom?.[0]?.secretRef?.name).toBe(secret.metadata.name);
    const inventory = configMap.data[posix.basename(inventoryArg!)]!;
    for (const name of inventory.match(/(?<=(username|password)Env: )\w+/g) ?? [])
      expect(Object.keys(secret.stringData)).toContain(name);
    // A read-only root file system: everything the scan writes goes to the volume or /tmp.
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(volume('tmp').emptyDir).toBeDefined();
  });

  it('runs an image built by examples/nightly/Dockerfile of this version, as its non-root user', () => {
    const dockerfile = readExample('nightly/Dockerfile');
    expect(container.image).toMatch(new RegExp(`:${PACKAGE_VERSION.replace(/\./g, '\\.')}$`));
    expect(dockerfile).toMatch(/^FROM node:(22|24)-/m);
    expect(dockerfile).toContain(`npm install -g --no-audit --no-fund /tmp/mra-preflight-${PACKAGE_VERSION}.tgz`);
    expect(/^ENTRYPOINT \["([^"]+)"\]$/m.exec(dockerfile)?.[1]).toBe(installedScriptPaths()[1]);
    // USER node is uid 1000 in the official node images.
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
  });

  it('scans with the ConfigMap inventory as the container would (offline here)', async () => {
    const configMap = byKind('ConfigMap')[0] as { data: Record<string, string> };
    const [inventoryArg] = container.args!;
    const folder = mkdtempSync(join(tmpdir(), 'mra-configmap-'));
    const inventory = join(folder, posix.basename(inventoryArg!));
    writeFileSync(inventory, configMap.data[basename(inventory)]!);
    const run = await runShell([SCRIPT, inventory, join(folder, 'state'), '--offline'], folder);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(folder, 'state', 'latest', 'report.json'))).toBe(true);
  });
});
