import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startNamed } from '../test/helpers/bind.js';

/**
 * SPEC 8.4, measured: the built CLI scans a 20-node inventory against a real BIND9 whose internal
 * view answers 2,032 A records for every node name (fixtures/bind/internal/flood) and writes all
 * five formats. Before the engine capped evidence this was 25 MB of JSON and 558 MB of RSS.
 */
export async function evidenceFloodFigures(
  cli: string,
  rssReporter: string,
  out: (line?: string) => void,
): Promise<void> {
  const named = await startNamed('internal', ['good', 'flood']);
  const dir = mkdtempSync(join(tmpdir(), 'mra-preflight-flood-'));
  try {
    const nodes = Array.from({ length: 20 }, (_, i) => ({
      fqdn: `n${i + 1}.example.com`,
      ip: `10.1.1.${100 + i}`,
      role: 'cucm-subscriber',
    }));
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(
      inventory,
      stringify({ domains: ['example.com'], dns: { internal: [named.ipv4, named.ipv6] }, nodes }),
    );
    const formats = ['json', 'html', 'sarif', 'junit', 'text'];
    const rssFile = join(dir, 'rss.json');
    const args = [
      '--import',
      rssReporter,
      cli,
      'check',
      '-i',
      inventory,
      '--only',
      'dns',
      '--quiet',
      '--timeout',
      '3000',
    ];
    for (const format of formats) args.push('--report', `${format}=${join(dir, `report.${format}`)}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, MRA_BENCH_RSS_FILE: rssFile },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    const { maxRssKb } = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKb: number };
    const sizes = formats.map(
      (format) => `${format} ${(statSync(join(dir, `report.${format}`)).size / 1024).toFixed(0)} KB`,
    );
    out('7. Evidence flood (SPEC 8.4): 20 nodes, a real BIND9 answering 2,032 A records per name, all five formats');
    out(`   report sizes: ${sizes.join(', ')} (target <= 2048 KB each)`);
    out(`   peak RSS ${(maxRssKb / 1024).toFixed(0)} MB (target < 256 MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await named.stop();
  }
}
