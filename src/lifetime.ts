import type { Logger } from "./domain/logger.js";

/**
 * Everything the instance started, disposed in reverse order (STYLE.md §6): a failing disposer is
 * logged and the others still run; `close()` runs once, however often it is called.
 */
export class Lifetime {
  private readonly disposers: (() => Promise<void> | void)[] = [];
  private closing: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly finally_: () => void,
  ) {}

  add(dispose: () => Promise<void> | void): void {
    this.disposers.push(dispose);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const dispose of this.disposers.reverse()) {
        try {
          await dispose();
        } catch (error) {
          this.logger.warn("dispose failed", { error: String(error) });
        }
      }
      this.disposers.length = 0;
      this.finally_();
    })();
    return this.closing;
  }
}
