/**
 * The engine's calls in flight (loads, merges, exports), so that work nobody is waiting for (the
 * model warm-up of models:warm) starts only in a pause: on the engine's one thread it would hold up
 * whatever the user asks for next.
 */
export class EngineActivity {
  private running = 0;
  /** When the last call ended (the engine's start, before any). */
  private lastEnd = performance.now();

  /** Runs `work`, the engine counted busy until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.lastEnd = performance.now();
    }
  }

  /** Resolves once no call has run for `ms` (at once when none has for that long already). */
  async quiet(ms: number): Promise<void> {
    for (;;) {
      const left = this.running > 0 ? ms : ms - (performance.now() - this.lastEnd);
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }
}
