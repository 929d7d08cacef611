/**
 * End to end: Debian's chromium (driven by playwright-core) against the real server on its
 * embedded defaults (embedded PostgreSQL, in-process pubsub, call simulator, demo data), as
 * `npm start` runs it. Needs `web/dist` (the test script builds it) and /usr/bin/chromium.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServerProcess, stopServerProcess, type ServerProcess } from './helpers/child.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set to a folder to keep screenshots of each step (they are not committed). */
const SHOTS = process.env.E2E_SCREENSHOTS;

const dataDir = mkdtempSync(path.join(tmpdir(), 'dialer-e2e-'));
chmodSync(dataDir, 0o755); // as root, the postgres user must be able to enter it
const pgPort = 57_000 + Math.floor(Math.random() * 2000);
let port = 0;
let server: ServerProcess | undefined;
let browser: Browser;
let base = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const start = () =>
  startServerProcess({
    DATABASE_URL: '', REDIS_URL: '', DATA_DIR: path.join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort), PORT: String(port),
    LOG_LEVEL: 'info', SIM_TIME_SCALE: '10',
  }, 90_000);

async function gql<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Polls a number shown on the page until `pred` holds (the page is never reloaded). */
async function waitForNumber(page: Page, selector: string, pred: (n: number) => boolean, timeout = 45_000): Promise<number> {
  const deadline = Date.now() + timeout;
  let last = Number.NaN;
  while (Date.now() < deadline) {
    const text = (await page.locator(selector).first().textContent()) ?? '';
    last = Number(text.replace(/[^\d.]/g, ''));
    if (text.trim() !== '—' && Number.isFinite(last) && pred(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`${selector} stayed at ${last}`);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'web/dist/index.html'))) throw new Error('web/dist is missing: run `npm run build` first (npm test does)');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  port = await freePort();
  server = await start();
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.child.exitCode === null) await stopServerProcess(server.child);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('web app in chromium against the real server', { timeout: 120_000 }, () => {
  let wall: Page;
  let campaignId = '';

  it('a supervisor signs in and the wallboard figures move without a reload', async () => {
    wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${base}/#/wallboard`);
    await signIn(wall, 'supervisor@demo.local', 'demo1234');
    await wall.locator('[data-testid=connection][data-status=connected]').waitFor({ timeout: 20_000 });
    await wall.evaluate(() => ((globalThis as any).__sameDocument = true));
    // Panels arrive right after the socket connects (the list is read once campaignUpdated is subscribed).
    await expect.poll(() => wall.locator('section.panel').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const before = await waitForNumber(wall, '[data-total=dialsToday] .v', () => true);
    await waitForNumber(wall, '[data-total=dialsToday] .v', (n) => n > before);
    expect(await wall.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    // No scrolling in the default view at 1920x1080.
    const overflow = await wall.evaluate(() => (globalThis as any).document.documentElement.scrollHeight - (globalThis as any).innerHeight);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(wall, 'wallboard-1920');
    // One URL serves the app: index.html is revalidated after a deploy, hashed assets are cached for good.
    const index = await fetch(`${base}/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())![1];
    expect((await fetch(`${base}${asset}`)).headers.get('cache-control')).toContain('immutable');
  });

  it('a campaign is created through the UI: bad input is shown inline and creates nothing; good input runs it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/#/campaigns/new`);
    await signIn(page, 'supervisor@demo.local', 'demo1234');
    await page.waitForURL(/#\/campaigns\/new$/);
    await page.getByLabel('Name', { exact: true }).fill('E2E renewals');
    await page.locator('select[name=listId]').selectOption({ index: 1 });
    await page.locator('select[name=groupId]').selectOption((await page.locator('select[name=groupId] option', { hasText: 'Sales floor' }).getAttribute('value'))!);
    await page.getByLabel('Caller ID (E.164)').fill('2240001234');
    await page.getByLabel('Customer retries (0–3)').fill('4');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await expect.poll(() => page.getByText('retries must be between 0 and 3').count()).toBe(1);
    await expect.poll(() => page.getByText('Caller ID must be in E.164 format').count()).toBe(1);
    await shot(page, 'new-campaign-errors-1280');
    const token = await page.evaluate(() => (globalThis as any).localStorage.getItem('dialer.token') as string);
    const found = await gql('query { campaigns(search: "E2E renewals") { totalCount } }', {}, token);
    expect(found.campaigns.totalCount).toBe(0);

    await page.getByLabel('Caller ID (E.164)').fill('+912240001234');
    await page.getByLabel('Customer retries (0–3)').fill('1');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/#\/campaigns\/[0-9a-f-]{36}$/);
    campaignId = page.url().split('/').pop()!;
    await expect.poll(() => page.locator('[data-testid=status]').textContent(), { timeout: 60_000 }).toBe('running');
    // The wall learns about it by subscription.
    await wall.locator(`section.panel[data-campaign="${campaignId}"]`).waitFor({ timeout: 30_000 });
    expect(await wall.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    await page.close();
  });

  it('an agent signs in, sees the campaign and starts dialling; the wall shows the agent and the calls', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(base);
    await signIn(page, 'agent1@demo.local', 'demo1234');
    await page.waitForURL(/#\/console$/);
    const row = page.locator(`tr[data-campaign="${campaignId}"]`);
    await row.waitFor();
    // A campaign that starts next week cannot be started yet, and says why.
    const later = page.locator('tr', { hasText: 'Next week' });
    await expect.poll(() => later.getByRole('button', { name: 'Start' }).isDisabled()).toBe(true);
    await expect.poll(() => later.textContent()).toMatch(/starts \d{1,2} [A-Z][a-z]{2} \d{4}/);

    // The simulator's agent misses 5% of agent legs, which ends the session (seed 004): the agent then
    // presses Start again, as a person at the console would.
    const callee = page.locator('[data-testid=callee]');
    for (let attempt = 1; ; attempt++) {
      await row.getByRole('button', { name: 'Start' }).click();
      await expect.poll(() => page.locator('[data-testid=agent-state]').getAttribute('data-state'), { timeout: 30_000 }).toMatch(/RINGING|AVAILABLE|ON_CALL|WRAP_UP/);
      const startAgain = row.getByRole('button', { name: 'Start' });
      await expect.poll(async () => (await callee.isVisible()) || (await startAgain.isVisible()), { timeout: 45_000 }).toBe(true);
      if (await callee.isVisible()) break;
      expect(attempt).toBeLessThan(3);
    }
    await shot(page, 'console-in-call-1280');

    const panel = `section.panel[data-campaign="${campaignId}"]`;
    await waitForNumber(wall, `${panel} [data-agents=offline] .v`, () => true);
    /** The sum of several figures of the panel, e.g. agents in every logged-in state. */
    const sum = async (attr: string, keys: string[]) => {
      let n = 0;
      for (const k of keys) n += Number(await wall.locator(`${panel} [${attr}=${k}] .v`).textContent());
      return n;
    };
    await expect.poll(() => sum('data-agents', ['available', 'ringing', 'onCall', 'wrapUp']), { timeout: 20_000 }).toBe(1);
    await waitForNumber(wall, `${panel} [data-stat=inProgress] .v`, () => true);
    await expect.poll(() => sum('data-stat', ['inProgress', 'completed', 'retry', 'failed']), { timeout: 45_000 }).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Stop dialling' }).click();
    await expect.poll(() => page.locator('[data-testid=agent-state]').getAttribute('data-state'), { timeout: 30_000 }).toBe('OFFLINE');
    await ctx.close();
  });

  it('the wallboard rides out a server restart: it shows it is reconnecting, then resyncs and moves again', async () => {
    expect(await stopServerProcess(server!.child)).toBe(0);
    await wall.locator('[data-testid=connection][data-status=reconnecting]').waitFor({ timeout: 15_000 });
    await shot(wall, 'wallboard-reconnecting-1920');
    server = await start();
    await wall.locator('[data-testid=connection][data-status=connected]').waitFor({ timeout: 30_000 });
    const after = await waitForNumber(wall, '[data-total=dialsToday] .v', () => true);
    await waitForNumber(wall, '[data-total=dialsToday] .v', (n) => n > after);
    await expect.poll(() => wall.locator('[data-testid=freshness]').textContent()).toBe('just now');
    expect(await wall.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
  });
});
