/**
 * Error codes thrown by pacing-core. Every error a pure function throws on bad input carries one of these.
 */
export type PacingCoreErrorCode = 'BAD_ORDER_INPUT' | 'BAD_PACING_INPUT' | 'BAD_SCENARIO';

/** An error with a stable machine-readable {@link PacingCoreErrorCode} and a precise message. */
export class PacingCoreError extends Error {
  /** Stable error code, safe to map to a GraphQL error code. */
  readonly code: PacingCoreErrorCode;
  constructor(code: PacingCoreErrorCode, message: string) {
    super(message);
    this.name = 'PacingCoreError';
    this.code = code;
  }
}

/** Bad input to {@link orderNumbers}. */
export function badOrderInput(message: string): PacingCoreError {
  return new PacingCoreError('BAD_ORDER_INPUT', message);
}

/** Bad input to {@link decidePacing} / {@link paceMany}. */
export function badPacingInput(message: string): PacingCoreError {
  return new PacingCoreError('BAD_PACING_INPUT', message);
}

/** Bad simulator scenario. */
export function badScenario(message: string): PacingCoreError {
  return new PacingCoreError('BAD_SCENARIO', message);
}

const WIRE = /^PacingCoreError (BAD_ORDER_INPUT|BAD_PACING_INPUT|BAD_SCENARIO): ([\s\S]*)$/;

/**
 * Errors lose their own properties when they cross from a worker thread, so the worker entry sends a
 * `PacingCoreError` as a plain `Error` whose message carries the code.
 * @internal used by the worker entry
 */
export function toWireError(e: unknown): unknown {
  return e instanceof PacingCoreError ? new Error(`PacingCoreError ${e.code}: ${e.message}`) : e;
}

/** Turn an error thrown by a `pool.run` of the worker back into a {@link PacingCoreError} (others pass through). */
export function fromWorkerError(e: unknown): unknown {
  if (e instanceof PacingCoreError || !(e instanceof Error)) return e;
  const m = WIRE.exec(e.message);
  return m ? new PacingCoreError(m[1] as PacingCoreErrorCode, m[2]) : e;
}
