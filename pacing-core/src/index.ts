/**
 * @dialer/pacing-core: pure, I/O-free ordering, eligibility, pacing and call-centre simulation.
 * The same functions run in a Piscina pool through `@dialer/pacing-core/worker` (see {@link WorkerApi}).
 */
export { NumberState, REQUIRED_COLUMNS, allocateColumns, type NumberColumns } from './columns.js';
export { PacingCoreError, fromWorkerError, type PacingCoreErrorCode } from './errors.js';
import { fromWorkerError } from './errors.js';
export {
  buildOrderIndex, orderFromIndex, orderNumbers, type IndexedOrderInput, type IndexedOrderResult, type OrderIndex,
  type OrderInput, type OrderResult, type RemovedCounts,
} from './order.js';
export {
  BOUND_BY, DEFAULT_HANDLE_TIME, MODES, STATE_FIELDS, decidePacing, formatReason, initialControllerState, readState, writeState,
  type AbandonWindow, type BoundBy, type HandleTime, type ControllerState, type DialMode, type PacingConfig, type PacingDecision,
  type PacingInput, type PacingObservations,
} from './pacing.js';
export {
  CAMPAIGN_FIELDS, addCampaign, batchDecision, createPacingBatch, paceMany, resetBatch,
  type BatchCampaignInput, type PaceManyResult, type PacingBatch, type PacingBatchOutput,
} from './batch.js';
export {
  DEFAULT_WINDOW, inWindow, localMinuteOfDay, zoneOffsetMinutes, zonesOpen, zonesOpenDetail, type CallingWindow, type ZoneEntry, type ZonesOpen,
} from './timezone.js';
export { Rng } from './rng.js';
export { handleTimeOf, initialTalkTime, observeTalk, type TalkTimeEstimate } from './handle-time.js';
export {
  simulate, validateScenario, type AgentShift, type HourFigures, type RateStep, type Scenario, type SimPolicy, type SimResult,
} from './simulator.js';
export { benchmarkScenarios, scenarioS1 } from './scenarios.js';

import type { PaceManyResult, PacingBatch } from './batch.js';
import type { IndexedOrderInput, IndexedOrderResult, OrderIndex, OrderInput, OrderResult } from './order.js';
import type { NumberColumns } from './columns.js';
import type { ControllerState, PacingDecision, PacingInput } from './pacing.js';
import type { Scenario, SimResult } from './simulator.js';

/**
 * The worker's named functions, their input and output: `pool.run(input, { name })`.
 *
 * ```ts
 * const rows = (await pool.run(input, { name: 'orderNumbers' })) as WorkerApi['orderNumbers']['output'];
 * ```
 */
export interface WorkerApi {
  orderNumbers: { input: OrderInput; output: OrderResult };
  buildOrderIndex: { input: NumberColumns; output: OrderIndex };
  orderFromIndex: { input: IndexedOrderInput; output: IndexedOrderResult };
  decidePacing: { input: { input: PacingInput; state?: ControllerState }; output: PacingDecision };
  paceMany: { input: PacingBatch; output: PaceManyResult };
  simulate: { input: Scenario; output: SimResult };
}

/** Names of the worker functions. */
export type WorkerFunction = keyof WorkerApi;

/**
 * Typed helper around a Piscina-like pool: `runWorker(pool, 'orderNumbers', input)`. Errors thrown by the pure
 * function in the worker come back as {@link PacingCoreError} with their `code` (see {@link fromWorkerError}).
 * Accepts any object with Piscina's `run(task, { name, transferList })` signature, so this package does not
 * create pools itself.
 */
export function runWorker<N extends WorkerFunction>(
  pool: { run(task: unknown, options: { name: string; transferList?: readonly ArrayBuffer[] }): Promise<unknown> },
  name: N,
  input: WorkerApi[N]['input'],
  transferList?: readonly ArrayBuffer[],
): Promise<WorkerApi[N]['output']> {
  return (pool.run(input, transferList ? { name, transferList } : { name }) as Promise<WorkerApi[N]['output']>).catch(
    (e: unknown) => {
      throw fromWorkerError(e);
    },
  );
}
