/** One server of the local stack. */
export interface Service {
  readonly name: string;
  readonly port: number;
  /** The environment variable that moves this service to another port. */
  readonly portVariable: string;
  /** Throws ToolMissingError when the binary it needs is absent. */
  checkInstalled(): void;
  healthy(): Promise<boolean>;
  start(): Promise<void>;
  /** True when something was running and was stopped. */
  stop(): Promise<boolean>;
}
