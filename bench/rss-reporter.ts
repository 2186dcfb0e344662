import { writeFileSync } from 'node:fs';

/**
 * Preloaded into a child (`node --import`) by the benchmark: at exit, writes the process's peak
 * resident set size and its lifetime to MRA_BENCH_RSS_FILE, so the CLI itself is measured unchanged.
 */
const out = process.env.MRA_BENCH_RSS_FILE;
process.on('exit', () => {
  if (out)
    writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, lifetimeMs: performance.now() }));
});
