import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './child.js';

export interface Trunk {
  /** What the adapter dials through: sip:127.0.0.3:<port> */
  uri: string;
  /** The INVITEs it forwarded, as "number -> phone" lines. */
  forwarded(): string[];
  /** SIGKILL: the trunk vanishes mid-call (no BYE, no answers). */
  kill(): Promise<void>;
}

/**
 * Starts the test trunk (test/helpers/sip-trunk-process.mjs) on 127.0.0.3: each number of `routes` goes to its
 * phone's URI, or is refused with the status it maps to ("*" for every other number). `port`: the one a
 * vanished trunk had, to bring it back.
 */
export async function startTrunk(routes: Record<string, string | number>, port?: number): Promise<Trunk> {
  port ??= await freePort();
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'sip-trunk-process.mjs'), '127.0.0.3', String(port), JSON.stringify(routes)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`trunk did not start:\n${out}`)), 10_000);
    child.stdout!.on('data', () => /trunk ready/.test(out) && (clearTimeout(t), resolve()));
    child.once('exit', (code) => reject(new Error(`trunk exited with ${code}:\n${out}`)));
  });
  return {
    uri: `sip:127.0.0.3:${port}`,
    forwarded: () => out.split('\n').filter((l) => l.startsWith('INVITE ')).map((l) => l.slice(7)),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
