import { runWorker, type WorkerApi, type WorkerFunction } from '@dialer/pacing-core';
import { Piscina } from 'piscina';
import { createRequire } from 'node:module';

/** The Piscina pool running pacing-core's pure functions off the event loop. */
export class PacingPool {
  private readonly pool: Piscina;

  constructor(maxThreads = 1) {
    const require = createRequire(import.meta.url);
    // Resolve the built worker file (dist) through the package exports.
    const filename = require.resolve('@dialer/pacing-core/worker');
    // execArgv []: the worker is plain compiled JS; inheriting a loader such as tsx (dev, tests) made it ~50% slower.
    this.pool = new Piscina({ filename, minThreads: 1, maxThreads, idleTimeout: 60_000, execArgv: [] });
  }

  run<N extends WorkerFunction>(name: N, input: WorkerApi[N]['input']): Promise<WorkerApi[N]['output']> {
    return runWorker(this.pool, name, input);
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
