import { Command, InvalidArgumentError } from 'commander';
import { loadEnv } from '../common/env';
import { defaultSourceData, describeSourceData, loadSource, sourceIsLoaded, type SourceData } from './load-source';

const positiveNumber = (value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number');
  return number;
};
const integer = (value: string) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new InvalidArgumentError('must be an integer');
  return number;
};

const program = new Command('load-source')
  .description('Replace schema public of the source database with dvd_rental (archive or synthetic)')
  .option('--archive <path>', 'a pg_dump archive, or a tar holding one (default: $DVDRENTAL_ARCHIVE)')
  .option('--synthetic', 'generate deterministic synthetic data instead')
  .option('--scale <n>', 'synthetic scale factor (1 = the sample size)', positiveNumber, 1)
  .option('--seed <n>', 'synthetic seed', integer, 42)
  .option('--customers <n>', 'synthetic: this many customers instead of 599 x scale (past 32,767 keys widen)', integer)
  .option(
    '--rentals-per-customer <n>',
    'synthetic: rentals per customer on average instead of by scale',
    positiveNumber,
  )
  .option('--if-empty', 'do nothing when the source already holds dvd_rental')
  .action(
    async (options: {
      archive?: string;
      synthetic?: boolean;
      scale: number;
      seed: number;
      customers?: number;
      rentalsPerCustomer?: number;
      ifEmpty?: boolean;
    }) => {
      const env = loadEnv();
      if (options.ifEmpty && (await sourceIsLoaded(env))) {
        console.log('source already holds dvd_rental: nothing loaded');
        return;
      }
      const data: SourceData = options.synthetic
        ? {
            kind: 'synthetic',
            scale: options.scale,
            seed: options.seed,
            counts: { customers: options.customers, rentalsPerCustomer: options.rentalsPerCustomer },
          }
        : options.archive
          ? { kind: 'archive', archivePath: options.archive }
          : defaultSourceData(env);
      const started = Date.now();
      const counts = await loadSource(env, data);
      const rows = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(
        `loaded ${describeSourceData(data)}: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const [table, count] of Object.entries(counts)) console.log(`  ${table.padEnd(14)} ${count}`);
    },
  );

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
