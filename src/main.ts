import { ConfigError } from './config';

/** Runs a process entry point: a config error exits 78 (EX_CONFIG) with its readable message, anything else 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    console.error(err);
    process.exit(1);
  });
}
