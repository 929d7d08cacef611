/**
 * Piscina worker entry: named pure functions over plain data and typed arrays.
 * Typed arrays on SharedArrayBuffer are shared with the caller; results on plain ArrayBuffers are moved back.
 *
 *   const pool = new Piscina({ filename: fileURLToPath(import.meta.resolve('@dialer/pacing-core/worker')) });
 *   const r: OrderResult = await pool.run(input, { name: 'orderNumbers' });
 */
import { Piscina } from 'piscina';
import { toWireError } from './errors.js';
import { paceMany as paceManyCore, type PaceManyResult, type PacingBatch } from './batch.js';
import {
  buildOrderIndex as buildIndexCore, orderFromIndex as fromIndexCore, orderNumbers as orderCore, type IndexedOrderInput,
  type IndexedOrderResult, type OrderIndex, type OrderInput, type OrderResult,
} from './order.js';
import type { NumberColumns } from './columns.js';
import { decidePacing as decideCore, type ControllerState, type PacingDecision, type PacingInput } from './pacing.js';
import { simulate as simulateCore, type Scenario, type SimResult } from './simulator.js';

/** Run `fn`, sending a PacingCoreError with its code in the message (error properties do not cross threads). */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toWireError(e);
  }
}

/** Move a result's own (non-shared) buffer back instead of copying it. */
function moving<T extends object>(value: T, buffers: ArrayBufferLike[]): T {
  const transfer = buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  if (transfer.length === 0) return value;
  return Piscina.move({
    [Piscina.transferableSymbol]: transfer,
    [Piscina.valueSymbol]: value,
  } as unknown as Parameters<typeof Piscina.move>[0]) as unknown as T;
}

/** {@link orderCore | orderNumbers} in the worker; `rows` is moved back (or written into the shared `out`). */
export function orderNumbers(input: OrderInput): OrderResult {
  const r = guard(() => orderCore(input));
  return moving(r, [r.rows.buffer]);
}

/** {@link buildIndexCore | buildOrderIndex} in the worker (the index rows are on a SharedArrayBuffer). */
export function buildOrderIndex(columns: NumberColumns): OrderIndex {
  return guard(() => buildIndexCore(columns, true));
}

/** {@link fromIndexCore | orderFromIndex} in the worker: the cheap refill. */
export function orderFromIndex(input: IndexedOrderInput): IndexedOrderResult {
  const r = guard(() => fromIndexCore(input));
  return moving(r, [r.rows.buffer]);
}

/** {@link decideCore | decidePacing} in the worker. */
export function decidePacing(task: { input: PacingInput; state?: ControllerState }): PacingDecision {
  return guard(() => decideCore(task.input, task.state));
}

/** {@link paceManyCore | paceMany} in the worker: decisions and controller state are written to the batch's shared memory. */
export function paceMany(batch: PacingBatch): PaceManyResult {
  return guard(() => paceManyCore(batch));
}

/** {@link simulateCore | simulate} in the worker. */
export function simulate(scenario: Scenario): SimResult {
  return guard(() => simulateCore(scenario));
}
