/**
 * The simulator's clock: every time the simulator reads or writes (status timestamps, locks, expiry, error
 * `timestamp`) comes from here, so tests can move time instead of sleeping.
 * @category Simulator
 */
export interface SimulatorClock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Moves time forward by `ms` and runs whatever became due (lock expiry, the carrier's deliveries, TTL checks).
   * Works in both modes: in `real` mode it adds a permanent offset to the wall clock.
   */
  advance(ms: number): void;
  /** Sets the (manual) time to an absolute instant; only forward moves are allowed. */
  set(ms: number): void;
  /** `manual`: time stands still until `advance()`; `real`: wall-clock time plus any advanced offset. */
  readonly mode: 'manual' | 'real';
}

/** Options for the simulator clock. @category Simulator */
export interface ClockOptions {
  /** @defaultValue `'manual'` for {@link createSimulator}, `'real'` for {@link startSimulator}. */
  mode?: 'manual' | 'real';
  /** Start time (epoch ms) of a manual clock. @defaultValue the wall-clock time at creation */
  start?: number;
}

/**
 * The simulator's clock: manual (moves only with `advance()`/`set()`) or real time with an offset. Pass one instance
 * to several simulators to keep their time in step.
 * @category Simulator
 */
export class Clock implements SimulatorClock {
  readonly mode: 'manual' | 'real';
  #time: number;
  #offset = 0;
  readonly #listeners = new Set<() => void>();

  constructor(options: ClockOptions = {}) {
    this.mode = options.mode ?? 'manual';
    this.#time = options.start ?? Date.now();
  }

  now(): number {
    return this.mode === 'manual' ? this.#time : Date.now() + this.#offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock.advance(ms) needs a finite, non-negative number');
    if (this.mode === 'manual') this.#time += ms;
    else this.#offset += ms;
    for (const listener of this.#listeners) listener();
  }

  set(ms: number): void {
    const delta = ms - this.now();
    if (delta < 0) throw new RangeError('the simulator clock only moves forward');
    this.advance(delta);
  }

  /** Called after every advance. @internal */
  onAdvance(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
