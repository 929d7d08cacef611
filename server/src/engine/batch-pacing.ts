import {
  STATE_FIELDS, addCampaign, batchDecision, createPacingBatch, readState, resetBatch, writeState, type ControllerState, type PacingBatch,
} from '@dialer/pacing-core';
import type { PaceDecision, PaceRequest } from './modes/predictive.js';
import type { PacingPool } from './pacing-pool.js';

/**
 * One pacing decision per tick for every owned predictive campaign: the requests are packed into a
 * pacing-core batch (typed arrays on shared memory) and decided by one `paceMany` call on the worker
 * pool, so a tick costs one worker trip for pacing however many campaigns this instance runs.
 *
 * Controller state belongs to each campaign's pacer, not to a batch slot (the set of campaigns changes
 * from tick to tick): it is copied into the slot before the call and read back after.
 */
export class BatchPacing {
  private batch: PacingBatch = createPacingBatch(8, 256);
  /** Batches decided so far (benchmarks read it). */
  calls = 0;

  constructor(private readonly pool: PacingPool) {}

  /** Decides every request at `nowMs`; results are in request order, each with the controller's next state. */
  async decide(requests: readonly PaceRequest[], nowMs: number): Promise<{ decision: PaceDecision; next: ControllerState }[]> {
    if (!requests.length) return [];
    this.fit(requests);
    const b = this.batch;
    resetBatch(b, nowMs);
    b.configs = requests.map((r) => r.config);
    requests.forEach((r, i) => {
      writeState(r.state, b.state, i * STATE_FIELDS);
      addCampaign(b, { ...r.input, configIndex: i });
    });
    await this.pool.run('paceMany', b);
    this.calls++;
    return requests.map((_, i) => ({ decision: batchDecision(b, i), next: readState(b.state, i * STATE_FIELDS) }));
  }

  /** Grows the batch (to the next power of two) when the requests do not fit. */
  private fit(requests: readonly PaceRequest[]): void {
    const elapsed = requests.reduce(
      (n, r) => n + (r.input.talkingElapsedSec?.length ?? 0) + (r.input.wrapElapsedSec?.length ?? 0) + (r.input.ringingElapsedSec?.length ?? 0),
      0,
    );
    const campaigns = this.batch.state.length / STATE_FIELDS;
    if (requests.length <= campaigns && elapsed <= this.batch.elapsed.length) return;
    const pow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
    this.batch = createPacingBatch(Math.max(campaigns, pow2(requests.length)), Math.max(this.batch.elapsed.length, pow2(elapsed)));
  }
}
