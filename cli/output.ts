import { CliError, EXIT } from './errors';

export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
}

/** Plain text for people, one JSON document for scripts (`--json`). */
export function emit(options: GlobalOptions, json: unknown, lines: () => string[]): void {
  if (options.json) console.log(JSON.stringify(json, null, 2));
  else for (const line of lines()) console.log(line);
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One line for the error and one for its cause; the stack only with --verbose. */
export function reportError(error: unknown, options: GlobalOptions): number {
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.runFailed;
  const cause = error instanceof Error ? error.cause : undefined;
  if (options.json) {
    console.log(
      JSON.stringify({ ok: false, error: messageOf(error), cause: cause ? messageOf(cause) : undefined }, null, 2),
    );
  } else {
    console.error(`error: ${messageOf(error)}`);
    if (cause) console.error(`  cause: ${messageOf(cause)}`);
  }
  if (options.verbose && error instanceof Error) console.error(error.stack);
  return exitCode;
}
