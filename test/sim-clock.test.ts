import { afterAll, describe, expect, it } from 'vitest';
import { ScaledClock, systemClock } from '../server/src/clock.js';
import { loadSimClock } from '../server/src/db/sim-clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';

/** SIM_TIME_SCALE speeds up the process's whole clock, anchored in the database (issue 19). */
const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps.reverse()) await a.dispose();
});

describe('the scaled clock', () => {
  it('reads its anchor plus the wall time since, times the scale; its timers fire after ms / scale of wall time', async () => {
    const wall = Date.now();
    const c = new ScaledClock(10, wall - 2_000, Date.parse('2026-01-01T00:00:00Z'));
    const read = c.now().getTime() - Date.parse('2026-01-01T00:00:00Z');
    expect(read).toBeGreaterThanOrEqual(20_000); // 2 s of wall since the anchor = 20 s
    expect(read).toBeLessThan(20_000 + (Date.now() - wall + 1) * 10);
    // a 60-second timer at ×100 fires after 0.6 s of wall time, when the clock has moved its 60 s
    const from = c.now().getTime();
    const fast = new ScaledClock(100);
    const start = fast.now().getTime();
    const fired = await Promise.race([
      new Promise<number>((resolve) => fast.setTimeout(() => resolve(fast.now().getTime() - start), 60_000)),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    expect(fired).not.toBeNull();
    expect(fired!).toBeGreaterThanOrEqual(59_000);
    // cleared timers do not fire
    let ran = false;
    const t = fast.setTimeout(() => (ran = true), 1_000);
    fast.clearTimeout(t);
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toBe(false);
    expect(c.now().getTime()).toBeGreaterThan(from);
    expect(() => new ScaledClock(0)).toThrow(RangeError);
  });

  it('is anchored in the database: a restart or a second instance carries on from the same time; a new scale carries on where the old one had got to', async () => {
    const app = await startTestApp();
    apps.push(app);
    expect(await loadSimClock(app.orm.em.fork(), 1)).toBe(systemClock);
    const first = (await loadSimClock(app.orm.em.fork(), 10)) as ScaledClock;
    expect(first.scale).toBe(10);
    await new Promise((r) => setTimeout(r, 300));
    const again = (await loadSimClock(app.orm.em.fork(), 10)) as ScaledClock; // a restart, or another instance
    expect([again.anchorWall, again.anchorSim]).toEqual([first.anchorWall, first.anchorSim]);
    expect(Math.abs(again.now().getTime() - first.now().getTime())).toBeLessThan(50);
    expect(first.now().getTime() - Date.now()).toBeGreaterThanOrEqual(2_500); // 300 ms × 9 ahead of the wall
    // ×5 now: no jump back; from here on it runs five times faster
    const before = first.now().getTime();
    const five = (await loadSimClock(app.orm.em.fork(), 5)) as ScaledClock;
    expect(five.scale).toBe(5);
    expect(five.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(five.now().getTime() - before).toBeLessThan(1_000);
  });

  it('a sped-up server tells its time and scale in `me`; sessions stay on wall time', async () => {
    const app = await startTestApp({ config: { simTimeScale: 10 } });
    apps.push(app);
    const token = (await app.gql<{ signIn: { token: string; expiresAt: string } }>(`mutation { signIn(email: "admin@test.local", password: "test-admin-password") { token expiresAt } }`, {}, null)).data!.signIn;
    const me = async () => (await app.gql<{ me: { now: string; timeScale: number } }>(`{ me { now timeScale } }`, {}, { token: token.token })).data!.me;
    const a = await me();
    expect(a.timeScale).toBe(10);
    const wall = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    const b = await me();
    expect(Date.parse(b.now) - Date.parse(a.now)).toBeGreaterThanOrEqual(4_500); // 10 × the ≥ 500 ms between
    expect(Date.parse(b.now) - Date.parse(a.now)).toBeLessThan((Date.now() - wall + 200) * 10);
    // the session's expiry is on the wall's clock: as far ahead of the wall as a ×1 server's would be
    const plain = await startTestApp();
    apps.push(plain);
    const plainToken = (await plain.gql<{ signIn: { expiresAt: string } }>(`mutation { signIn(email: "admin@test.local", password: "test-admin-password") { expiresAt } }`, {}, null)).data!.signIn;
    expect(Math.abs(Date.parse(token.expiresAt) - Date.parse(plainToken.expiresAt))).toBeLessThan(60_000);
    expect((await plain.gql<{ me: { timeScale: number } }>(`{ me { timeScale } }`)).data!.me.timeScale).toBe(1);
  });
});
