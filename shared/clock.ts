// The product's one source of "now". The local engine (sandbox) can move time forward; when it runs
// in the same process it installs its clock here so that app checks ("customer silent since ...")
// agree with the engine's timers. In production this is the system clock.
type TimeSource = () => number;

let source: TimeSource = () => Date.now();

export const clock = {
  /** Milliseconds since the epoch, as the product sees it. */
  nowMs(): number {
    return source();
  },
  now(): Date {
    return new Date(source());
  },
  /** Install another time source (the sandbox engine's clock). Returns a function that restores the previous one. */
  use(next: TimeSource): () => void {
    const previous = source;
    source = next;
    return () => {
      source = previous;
    };
  },
};
