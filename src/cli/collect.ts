import { MAX_TIMEOUT_MS, positiveInteger } from './flags.js';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AxlClient, axlOptionsFromInventory } from '../probes/axl/client.js';
import { collectSnapshot } from '../cucm/collect.js';
import { defaultSections } from '../cucm/source.js';
import { AxlError } from '../probes/axl/errors.js';
import { redact } from '../probes/https.js';
import { loadCatalog } from '../engine/catalog.js';
import { loadInventory } from '../inventory/load.js';
import { InputError } from '../inventory/problems.js';
import { knownRuleNames } from './check.js';
import { exitWithError, UsageError } from './errors.js';

export interface CollectCommandOptions {
  inventory: string;
  output: string;
  timeout: string;
  debug?: boolean;
}

function say(line: string): void {
  process.stderr.write(`mra-preflight: ${line}\n`);
}

/**
 * `collect`: reads the cluster over AXL into a snapshot JSON that `check --offline` (cucm.snapshot)
 * lints later. Every section is asked for (ILS only with `clusters` > 1, SPEC 8.2). Exit 0 when
 * the snapshot is complete, 1 when it was written without the sections listed (each with its
 * reason, also kept in the file's `unavailable`), 2 when nothing could be read (401, TLS
 * verification, unreachable...): the reason printed once, never with a secret, and no file.
 */
export async function runCollectCommand(options: CollectCommandOptions): Promise<number> {
  let client: AxlClient | undefined;
  let secrets: string[] = [];
  try {
    const timeoutMs = positiveInteger('--timeout', options.timeout, MAX_TIMEOUT_MS);
    const inventory = loadInventory(options.inventory, knownRuleNames(await loadCatalog()));
    const axl = inventory.cucm.axl;
    if (!axl) {
      throw new InputError([
        {
          file: inventory.source,
          path: '$.cucm.axl',
          message: 'is not set: collect reads the cluster over AXL (url, usernameEnv, passwordEnv)',
        },
      ]);
    }
    const output = resolve(options.output);
    const folder = dirname(output);
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new UsageError(`-o ${options.output}: folder ${folder} does not exist`);
    if (axl.passwordEnv && process.env[axl.passwordEnv]) secrets = [process.env[axl.passwordEnv]!];

    client = new AxlClient(axlOptionsFromInventory(axl, process.env, { timeoutMs }));
    if (axl.insecure) say(`warning: TLS verification of ${axl.url} is off (cucm.axl.insecure: true)`);
    const tty = process.stderr.isTTY === true;
    say(`collecting from ${client.url} (AXL schema ${client.version})`);
    const snapshot = await collectSnapshot(client, {
      sections: defaultSections(inventory),
      ...(tty ? { onProgress: ({ section, rows }) => say(`  ${section}: ${rows}`) } : {}),
      onRepage: ({ from, to }) => say(`CUCM asked for smaller pages: ${from} → ${to} rows`),
    });
    const temporary = `${output}.partial-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`);
    renameSync(temporary, output);
    say(
      `wrote ${options.output}: CUCM ${snapshot.version}, ${snapshot.phones.length} phones, ${snapshot.securityProfiles.length} security profiles, ` +
        `${snapshot.devicePools.length} device pools, ${snapshot.users.length} users, ${snapshot.services.length} service entries`,
    );
    if (snapshot.notCollected?.includes('ils')) say('not collected: ils (clusters: 1, so no rule reads it)');
    const missing = Object.entries(snapshot.unavailable ?? {});
    if (missing.length === 0) return 0;
    say(`incomplete: ${missing.length} section${missing.length === 1 ? '' : 's'} could not be read:`);
    for (const [section, reason] of missing) say(`  ${section}: ${redact(reason, secrets)}`);
    process.exitCode = 1;
    return 1;
  } catch (error) {
    if (error instanceof AxlError) {
      for (const line of redact(error.message, secrets).split('\n')) say(`collect: ${line}`);
      process.exitCode = 2;
    } else if (error instanceof Error && !(error instanceof InputError) && !(error instanceof UsageError)) {
      const safe = new Error(redact(error.message, secrets));
      safe.stack = redact(error.stack ?? '', secrets);
      exitWithError(safe, options.debug ?? false);
    } else {
      exitWithError(error, options.debug ?? false);
    }
    return 2;
  } finally {
    await client?.close();
  }
}
