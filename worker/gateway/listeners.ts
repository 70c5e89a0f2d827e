import type { Unsubscribe } from "./transport.js";

/** A set of subscribers; one failing subscriber never stops the others. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void | Promise<void>>();

  add(listener: (value: T) => void | Promise<void>): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls every listener and waits for all of them; failures are passed to onError. */
  async emit(value: T, onError: (error: unknown) => void): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(value);
        } catch (error) {
          onError(error);
        }
      }),
    );
  }
}
