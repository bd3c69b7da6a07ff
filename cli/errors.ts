/** Exit codes of the CLI: scripts can tell a failed run from bad usage or a server that cannot be reached. */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, unreachable: 3 } as const;

/** An error the CLI reports as one line (plus its cause), with its own exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
