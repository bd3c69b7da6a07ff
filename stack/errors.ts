export class StackError extends Error {
  override name = 'StackError';
}

export class PortTakenError extends StackError {
  override name = 'PortTakenError';
  constructor(service: string, host: string, port: number, variable: string) {
    super(
      `${service}: port ${port} on ${host} is taken by another program that does not answer as ${service}. ` +
        `Stop that program, or choose another port with ${variable}=<port> (in the environment or .env).`,
    );
  }
}

export class ToolMissingError extends StackError {
  override name = 'ToolMissingError';
  constructor(tool: string, file: string) {
    super(`${tool} is not installed (no ${file}). Run: npm run setup:tools`);
  }
}
