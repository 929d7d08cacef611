import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCampaign, allocateColumns, createPacingBatch, decidePacing, initialControllerState, NumberState, orderNumbers,
  fromWorkerError, PacingCoreError, paceMany, resetBatch, runWorker, scenarioS1, simulate,
} from '../src/index.js';
import { columnsOf, NOON, UTC } from './helpers.js';

// The worker runs the built package (npm run build -w pacing-core), as the server does.
const filename = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

describe('worker entry (Piscina)', () => {
  let pool: Piscina;
  beforeAll(() => {
    if (!existsSync(filename)) throw new Error(`build pacing-core first: ${filename} is missing`);
    pool = new Piscina({ filename, minThreads: 1, maxThreads: 1 });
  });
  afterAll(async () => {
    await pool.destroy();
  });

  it('orders in the worker exactly as in-thread', async () => {
    const columns = columnsOf(Array.from({ length: 500 }, (_, i) => ({ createdAt: (i * 7919) % 1000, dialCount: i % 3, contact: i % 450 })));
    const input = { columns, zones: UTC, now: NOON, k: 100 };
    const inThread = orderNumbers(input);
    const viaWorker = await runWorker(pool, 'orderNumbers', input);
    expect(Array.from(viaWorker.rows)).toEqual(Array.from(inThread.rows));
    expect(viaWorker.removed).toEqual(inThread.removed);
  });

  it('shares SharedArrayBuffer columns and output with the worker instead of copying them', async () => {
    const columns = columnsOf([{ createdAt: 3 }, { createdAt: 1 }, { createdAt: 2 }]);
    expect(columns.state.buffer).toBeInstanceOf(SharedArrayBuffer);
    const out = new Int32Array(new SharedArrayBuffer(3 * 4)).fill(-7);
    const res = await runWorker(pool, 'orderNumbers', { columns, zones: UTC, now: NOON, out });
    // The worker wrote into our memory: the caller's own `out` array now holds the order.
    expect(Array.from(out)).toEqual([1, 2, 0]);
    // And the result's rows alias that same memory.
    res.rows[0] = 42;
    expect(out[0]).toBe(42);
    // A change made by the caller to a shared column is seen by the worker on the next call without re-sending data.
    columns.state[1] = NumberState.FINAL;
    const again = await runWorker(pool, 'orderNumbers', { columns, zones: UTC, now: NOON, out });
    expect(Array.from(again.rows)).toEqual([2, 0]);
  });

  it('moves (transfers) non-shared columns when they are put in the transfer list', async () => {
    const columns = allocateColumns(4, false);
    columns.createdAt.set([4, 3, 2, 1]);
    const buffer = columns.createdAt.buffer as ArrayBuffer;
    expect(buffer.byteLength).toBeGreaterThan(0);
    const res = await runWorker(pool, 'orderNumbers', { columns, zones: UTC, now: NOON }, [buffer]);
    expect(Array.from(res.rows)).toEqual([3, 2, 1, 0]);
    // transferred, not copied: our buffer is detached
    expect(buffer.byteLength).toBe(0);
    // the result's rows come back on their own (moved) ArrayBuffer
    expect(res.rows.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('paces a batch in the worker, writing decisions and controller state into shared memory', async () => {
    const fill = (b: ReturnType<typeof createPacingBatch>): void => {
      resetBatch(b, 1_000_000);
      for (let i = 0; i < 20; i++) {
        addCampaign(b, {
          mode: i % 4 === 0 ? 'PROGRESSIVE' : 'PREDICTIVE',
          readyAgents: i % 5,
          wrapElapsedSec: [3, 10],
          talkingElapsedSec: [30, 200, 5],
          ringingElapsedSec: Array.from({ length: i % 7 }, (_, j) => j * 2.5),
          observed: { resolved: 10, live: 2, liveAnswerSecSum: 18, abandons: 0 },
        });
      }
    };
    const shared = createPacingBatch(20, 1000);
    const local = createPacingBatch(20, 1000, 1, false);
    fill(shared);
    fill(local);
    const before = Array.from(shared.state);
    const res = await runWorker(pool, 'paceMany', shared);
    paceMany(local);
    expect(res.count).toBe(20);
    expect(Array.from(shared.out.launch)).toEqual(Array.from(local.out.launch));
    expect(Array.from(shared.state)).toEqual(Array.from(local.state));
    expect(Array.from(shared.state)).not.toEqual(before);
  });

  it('decides pacing and runs the simulator in the worker exactly as in-thread', async () => {
    const input = { mode: 'PREDICTIVE' as const, now: 5_000, readyAgents: 3, wrapElapsedSec: [12], ringingElapsedSec: [2, 4] };
    const state = initialControllerState();
    expect(await runWorker(pool, 'decidePacing', { input, state })).toEqual(decidePacing(input, state));
    const scenario = { ...scenarioS1({ mode: 'PREDICTIVE' }, 4), durationSec: 600 };
    expect(await runWorker(pool, 'simulate', scenario)).toEqual(simulate(scenario));
  });

  it('reports bad input from the worker as PacingCoreError with its code', async () => {
    const err = await runWorker(pool, 'decidePacing', { input: { mode: 'TURBO' as never, now: 0, readyAgents: 0 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacingCoreError);
    expect(err).toMatchObject({ code: 'BAD_PACING_INPUT', message: expect.stringMatching(/^mode must be one of/) });
    const raw = await pool.run({ columns: {}, zones: [], now: 0 }, { name: 'orderNumbers' }).catch((e: unknown) => e);
    expect(fromWorkerError(raw)).toMatchObject({ code: 'BAD_ORDER_INPUT' });
  });

  it('builds an order index in the worker (shared) and refills from it as in-thread', async () => {
    const columns = columnsOf(Array.from({ length: 300 }, (_, i) => ({ createdAt: (i * 37) % 101, contact: i % 250 })));
    const index = await runWorker(pool, 'buildOrderIndex', columns);
    expect(index.rows.buffer).toBeInstanceOf(SharedArrayBuffer);
    columns.state[5] = NumberState.RETRY;
    const input = { columns, zones: UTC, now: NOON, k: 40, index, dirty: [5] };
    const res = await runWorker(pool, 'orderFromIndex', input);
    expect(Array.from(res.rows)).toEqual(Array.from(orderNumbers({ columns, zones: UTC, now: NOON, k: 40 }).rows));
    expect(res.rows[0]).toBe(5);
  });
});
