import { InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './errors';

/** A commander argument parser: a whole number >= 1. */
export function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
}

/** A config file that cannot be read or is invalid is bad input (exit 2), its message naming the file. */
export async function readConfig<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage);
  }
}
