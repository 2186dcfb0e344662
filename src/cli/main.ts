#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { TOOL_VERSION } from '../package/root.js';
import { exitWithError } from './errors.js';

// Command modules are imported when their command runs, so `--version` and `--help` start fast.
const program = new Command();
program
  .name('mra-preflight')
  .description('Checks that a Cisco Unified CM + Expressway deployment is ready for Mobile and Remote Access (MRA).')
  .version(TOOL_VERSION, '-V, --version')
  .showSuggestionAfterError()
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })
  .addHelpText(
    'after',
    `
Examples:
  mra-preflight demo                                  scan the embedded lab, write HTML + JSON reports
  mra-preflight init -o mra-preflight.yaml            write a commented inventory template
  mra-preflight check                                 live scan with ./mra-preflight.yaml
  mra-preflight check --offline --report sarif=out.sarif --fail-on warning
  mra-preflight check --only dns,MRA-NTP-001 --report json=report.json --report html=report.html
  mra-preflight check --baseline last-night.json      alert only on findings that are new
  mra-preflight check --vantage external --report json=outside.json   from a host outside (the edge)
  mra-preflight merge inside.json outside.json --report html=go-live.html
  mra-preflight collect -i inventory.yaml -o snapshot.json
  mra-preflight explain MRA-CUCM-005

Exit codes: 0 ready (nothing failed the gate), 1 a finding failed the gate or was inconclusive,
2 the run could not start (bad flags, invalid inventory, unknown rule).`,
  );

// A report path may contain a comma: --report repeats instead of splitting.
const collectRepeat = (value: string, previous: string[] = []): string[] => [...previous, value];
const collectList = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];

program
  .command('check')
  .description('Run the checks and report (gates CI with the exit code).')
  .option('-i, --inventory <file>', 'inventory YAML or JSON', './mra-preflight.yaml')
  .option('--offline', 'no network I/O: lint snapshots, exports and certificate files only')
  .addOption(
    new Option('--vantage <where>', 'where this host looks from: inside the network, outside it (the edge), or both')
      .choices(['internal', 'external', 'both'])
      .default('internal'),
  )
  .option(
    '--only <ids>',
    'run only these rules (ids, slugs or areas: dns, ntp, cert, cucm, exp; comma-separated)',
    collectList,
  )
  .option('--skip <ids>', 'skip these rules (ids, slugs or areas; comma-separated)', collectList)
  .option(
    '--report <format[=path]>',
    'text|json|html|sarif|junit, to a file or stdout; repeatable (default: text)',
    collectRepeat,
  )
  .addOption(
    new Option(
      '--fail-on <level>',
      'lowest severity of a fail that fails the gate; incomplete: also any verdict but ready',
    )
      .choices(['error', 'warning', 'info', 'incomplete'])
      .default('error'),
  )
  .option('--baseline <file>', 'previous JSON report: its findings are "unchanged" and do not fail the gate')
  .option('--write-baseline <file>', "write this run's JSON report as the next baseline")
  .option('--concurrency <n>', 'network operations in flight at once', '64')
  .option(
    '--timeout <ms>',
    'bound of one network operation (DNS query, NTP exchange, TLS handshake, HTTP request)',
    '5000',
  )
  .option('--as-of <date>', 'judge certificate dates at this ISO 8601 instant (e.g. go-live day)')
  .option('--allow-inconclusive', 'inconclusive findings do not fail the gate')
  .option('-q, --quiet', 'text report: only findings that are not pass; no progress')
  .option('--debug', 'print stack traces of internal errors')
  .action(async (options) => {
    const { runCheckCommand } = await import('./check.js');
    process.exitCode = await runCheckCommand(options);
  });

program
  .command('merge')
  .description('Combine reports of one inventory from different vantages (inside and outside) into one.')
  .argument('<reports...>', 'JSON reports written by check --report json=FILE')
  .option(
    '--report <format[=path]>',
    'text|json|html|sarif|junit, to a file or stdout; repeatable (default: text)',
    collectRepeat,
  )
  .addOption(
    new Option(
      '--fail-on <level>',
      'lowest severity of a fail that fails the gate; incomplete: also any verdict but ready',
    )
      .choices(['error', 'warning', 'info', 'incomplete'])
      .default('error'),
  )
  .option('--allow-inconclusive', 'inconclusive findings do not fail the gate')
  .option('--debug', 'print stack traces of internal errors')
  .action(async (files: string[], options) => {
    const { runMergeCommand } = await import('./merge.js');
    process.exitCode = await runMergeCommand(files, options);
  });

program
  .command('collect')
  .description('Pull the CUCM configuration over AXL into a snapshot JSON for offline checks.')
  .requiredOption('-i, --inventory <file>', 'inventory with cucm.axl')
  .requiredOption('-o, --output <file>', 'snapshot JSON to write')
  .option('--timeout <ms>', 'bound of one AXL request', '30000')
  .option('--debug', 'print stack traces of internal errors')
  .action(async (options) => {
    const { runCollectCommand } = await import('./collect.js');
    process.exitCode = await runCollectCommand(options);
  });

program
  .command('rules')
  .description('List the rule catalog.')
  .option('--json', 'machine-readable')
  .action(async (options: { json?: boolean }) => {
    const { runRulesCommand } = await import('./rules.js');
    process.exitCode = await runRulesCommand(options);
  });

program
  .command('explain')
  .description('Explain one rule: what must hold, why, how to fix it, and the source.')
  .argument('<rule>', 'rule id or slug, e.g. MRA-DNS-002 or uds-srv-not-external')
  .action(async (rule: string) => {
    const { runExplainCommand } = await import('./rules.js');
    process.exitCode = await runExplainCommand(rule);
  });

program
  .command('init')
  .description('Write a commented inventory template.')
  .option('-o, --output <file>', 'where to write it', './mra-preflight.yaml')
  .option('--force', 'overwrite an existing file')
  .option(
    '--schema <path-or-url>',
    'the $schema reference to write for editors (default: a copy of the schema next to the inventory)',
  )
  .action(async (options: { output: string; force?: boolean; schema?: string }) => {
    const { runInitCommand } = await import('./init.js');
    process.exitCode = runInitCommand(options);
  });

program
  .command('demo')
  .description('Start an embedded lab with deliberate faults, scan it and write every report format.')
  .option('--out <dir>', 'report folder', './mra-preflight-report')
  .option('--debug', 'print stack traces of internal errors')
  .action(async (options: { out: string; debug?: boolean }) => {
    const { runDemoCommand } = await import('./demo.js');
    process.exitCode = await runDemoCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    exitWithError(error, process.argv.includes('--debug'));
  }
}
