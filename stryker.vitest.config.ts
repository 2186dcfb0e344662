import { mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The test configuration StrykerJS runs (stryker.config.mjs): the project's own, without module
 * isolation between test files. Stryker reruns the covering tests once per mutant; re-importing the
 * engine, the catalog's 40 rule modules and the compiled schemas for every test file of every run
 * cost more than the tests themselves. The suite passes either way (the tests keep no state in
 * modules they share), and a mutant is switched on at run time, not at import.
 */
export default mergeConfig(base, { test: { isolate: false } });
