import { exitWithError, UsageError } from './errors.js';

export interface CollectCommandOptions {
  inventory: string;
  output: string;
  timeout: string;
  debug?: boolean;
}

export async function runCollectCommand(options: CollectCommandOptions): Promise<number> {
  exitWithError(new UsageError('collect: AXL collection is not available in this version'), options.debug ?? false);
  return 2;
}
