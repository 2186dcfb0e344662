import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemOfDer } from '../../lab/pki.js';

/**
 * The yardstick of SPEC 8.5: `openssl verify -x509_strict -attime <epoch> -CAfile root.pem
 * -untrusted chain.pem leaf.pem`, on the machine's OpenSSL (3.0 on Debian 12). Only the given
 * roots are trusted (-no-CApath -no-CAstore keep the system store out).
 */
export interface OpensslVerdict {
  ok: boolean;
  /** The first error OpenSSL reports, e.g. "error 24 at 1 depth lookup: invalid CA certificate". */
  error?: string;
  output: string;
}

export function opensslVersion(): string {
  const result = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `the openssl command is needed for the differential tests: ${result.error?.message ?? result.stderr}`,
    );
  }
  return result.stdout.trim();
}

export function opensslVerify(trusted: Buffer[], untrusted: Buffer[], leaf: Buffer, at: Date): OpensslVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'mra-openssl-verify-'));
  try {
    const file = (name: string, ders: Buffer[]): string => {
      const path = join(dir, name);
      writeFileSync(path, ders.map(pemOfDer).join(''));
      return path;
    };
    const args = [
      'verify',
      '-x509_strict',
      '-attime',
      String(Math.floor(at.getTime() / 1000)),
      '-no-CApath',
      '-no-CAstore',
      '-CAfile',
      file('root.pem', trusted),
      ...(untrusted.length > 0 ? ['-untrusted', file('chain.pem', untrusted)] : []),
      file('leaf.pem', [leaf]),
    ];
    const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 10_000 });
    const output = `${result.stdout}${result.stderr}`;
    const error = /error \d+ at \d+ depth lookup: [^\n]+/.exec(output)?.[0];
    return { ok: result.status === 0 && /: OK\s*$/.test(result.stdout), ...(error ? { error } : {}), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
