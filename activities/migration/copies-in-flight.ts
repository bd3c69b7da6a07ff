// How many table copies this worker runs at once. An index build sorts on parallel maintenance
// workers only when its copy runs alone: beside another copy, the extra processes compete for the
// same cores and cost about 20% more CPU per index than a serial sort (measured, bench:migration).
export class CopiesInFlight {
  private running = 0;

  async around<T>(copy: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await copy();
    } finally {
      this.running -= 1;
    }
  }

  /** True while a copy other than the caller's runs. */
  othersRunning(): boolean {
    return this.running > 1;
  }
}
