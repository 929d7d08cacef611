/**
 * End to end: Debian's chromium (driven by playwright-core) against the real server on its
 * embedded defaults (embedded PostgreSQL, in-process pubsub, call simulator, demo data), as
 * `npm start` runs it. Needs `web/dist` (the test script builds it) and /usr/bin/chromium.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, type ServerProcess, startServerProcess, stopServerProcess } from './helpers/child.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Set to a folder to keep screenshots of each step (they are not committed). */
const SHOTS = process.env.E2E_SCREENSHOTS;

const dataDir = mkdtempSync(path.join(tmpdir(), 'dialer-e2e-'));
chmodSync(dataDir, 0o755); // as root, the postgres user must be able to enter it
/** Both picked free at start: a fixed random guess can collide with another test's sockets. */
let pgPort = 0;
let port = 0;
let server: ServerProcess | undefined;
let browser: Browser;
let base = '';

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

/** Signs in over the API (no browser) and returns the session token. */
async function apiToken(email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data: { signIn: { token: string } } };
  return body.data.signIn.token;
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
  pgPort = await freePort();
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
    // The rolling 24 h abandon rate (it bounds the pacer, with the 30-day one) is on every panel next to its cap,
    // and "today" is labelled with the contact centre's zone.
    const panel24h = wall.locator('section.panel [data-live=abandon24h]');
    await expect.poll(() => panel24h.first().locator('.l').textContent()).toContain('Abandon 24 h');
    // a rate appears once a campaign has live answers (before that it is "—")
    const rateShown = async () => (await panel24h.locator('.v').allTextContents()).some((t) => /^\d+(\.\d)?%\s*\/\s*\d+(\.\d)?%$/.test(t.trim()));
    await expect.poll(rateShown, { timeout: 60_000 }).toBe(true);
    await expect.poll(() => wall.locator('section.panel [data-live=abandon30d] .l').first().textContent()).toContain('Abandon 30 days');
    await expect.poll(() => wall.locator('[data-total=abandon24h] .l').textContent()).toContain('Abandon 24 h');
    const supervisorToken = await wall.evaluate(() => (globalThis as any).localStorage.getItem('dialer.token') as string);
    const { me } = await gql('query { me { organizationTimeZone } }', {}, supervisorToken);
    await expect.poll(() => wall.locator('[data-testid=local-zone]').textContent()).toContain(me.organizationTimeZone);
    await expect.poll(() => wall.locator('section.panel [data-live=abandonToday] .l').first().textContent()).toContain(me.organizationTimeZone);
    // SIM_TIME_SCALE=10 speeds up the server's whole clock: the wall says so, and its clock shows the server's time,
    // which runs ten times faster than the browser's (issue 19)
    expect(await wall.getByTestId('time-scale').textContent()).toBe('time ×10');
    const secondsOfDay = (hms: string) => hms.split(':').map(Number).reduce((acc, x) => acc * 60 + x, 0);
    const inZone = (t: number) => new Date(t).toLocaleTimeString('en-GB', { hour12: false, timeZone: me.organizationTimeZone });
    const shownNow = async () => secondsOfDay((await wall.locator('header .clock').textContent())!.trim());
    const gap = (a: number, b: number) => Math.min(Math.abs(a - b), 86_400 - Math.abs(a - b));
    const serverNow = Date.parse((await gql('query { me { now timeScale } }', {}, supervisorToken)).me.now);
    const first = await shownNow();
    expect(gap(first, secondsOfDay(inZone(serverNow)))).toBeLessThan(30); // the server's time (a second or two of ×10 apart)
    await wall.waitForTimeout(2_000);
    expect(gap(await shownNow(), first)).toBeGreaterThanOrEqual(12); // 2 s of the browser's: about 20 s of the wall's clock
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

  it("the contacts page shows a number's candidate zones and changes a contact's zone through the UI", async () => {
    const admin = await apiToken('admin@localhost', 'admin1234');
    // +1 208 may be in Boise's zone or Los Angeles': an uncertain zone, dialled only while the window is open in both.
    const { createContact: created } = await gql(
      'mutation($i: CreateContactInput!) { createContact(input: $i) { id phones { candidateTimeZones } } }',
      { i: { name: 'E2E Zone Person', phones: ['+12085550177'] } }, admin);
    expect(created.phones[0].candidateTimeZones).toEqual(['America/Boise', 'America/Los_Angeles']);
    const readContact = async () =>
      (await gql('query($id: ID!) { contact(id: $id) { timeZone phones { timeZones zoneSource } } }', { id: created.id }, admin)).contact;

    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${base}/#/lists`);
    await signIn(page, 'supervisor@demo.local', 'demo1234');
    await page.locator('nav').getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.waitForURL(/#\/contacts$/);
    await page.getByLabel('Search contacts by name or number').fill('E2E Zone');
    const row = page.locator(`tr[data-contact="${created.id}"]`);
    await row.waitFor();
    const number = row.locator('[data-phone="+12085550177"]');
    await expect.poll(() => number.getAttribute('data-uncertain')).toBe('true');
    await expect.poll(() => number.locator('[data-testid=uncertain-zone]').isVisible()).toBe(true);
    await expect.poll(() => number.textContent()).toContain('dialled only while the window is open in all of');
    expect(await number.locator('[data-zone]').evaluateAll((els) => els.map((e) => e.getAttribute('data-zone')))).toEqual(['America/Boise', 'America/Los_Angeles']);
    await shot(page, 'contacts-uncertain-1920');

    // An abbreviation is refused by the server; its message stays next to the field and nothing changes.
    await row.getByRole('button', { name: 'Edit the time zone of E2E Zone Person' }).click();
    const zone = page.getByRole('combobox', { name: 'Time zone of E2E Zone Person' });
    await zone.fill('EST');
    await zone.press('Escape');
    await page.getByRole('button', { name: 'Save zone' }).click();
    const editor = page.locator(`tr[data-editor="${created.id}"]`);
    await expect.poll(() => editor.locator('[role=alert]').textContent()).toContain('is not a region time zone');
    expect((await readContact()).timeZone).toBeNull();
    await shot(page, 'contacts-zone-error-1920');

    // Picking from the searchable list and saving sets it: the number is now dialled by the contact's zone only.
    await zone.fill('boise');
    await page.getByRole('option', { name: /America\/Boise/ }).click();
    await expect.poll(() => zone.inputValue()).toBe('America/Boise');
    await page.getByRole('button', { name: 'Save zone' }).click();
    await expect.poll(() => row.locator('[data-testid=contact-zone]').textContent()).toContain('America/Boise');
    await expect.poll(() => number.getAttribute('data-source')).toBe('CONTACT');
    expect(await readContact()).toEqual({ timeZone: 'America/Boise', phones: [{ timeZones: ['America/Boise'], zoneSource: 'CONTACT' }] });

    // Many at once: the selected rows get a zone typed under its old name, which the server stores canonically.
    await row.getByRole('checkbox', { name: 'Select E2E Zone Person' }).check();
    await page.getByRole('combobox', { name: 'Time zone', exact: true }).fill('Asia/Calcutta');
    await page.getByRole('button', { name: 'Set zone on 1 contact' }).click();
    await expect.poll(() => page.locator('[data-testid=contacts-notice]').textContent()).toContain('1 contact');
    await expect.poll(() => row.locator('[data-testid=contact-zone]').textContent()).toContain('Asia/Kolkata');
    expect((await readContact()).timeZone).toBe('Asia/Kolkata');
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

  it('a call cut off by a crash after the customer answered waits as INTERRUPTED; the agent and the supervisor see it, and it is settled in the UI', async () => {
    const agent = await apiToken('agent1@demo.local', 'demo1234');
    const supervisor = await apiToken('supervisor@demo.local', 'demo1234');
    // Crash (SIGKILL: no drain) while agent 1 talks to a customer who answered. The simulated agent misses
    // some agent legs, which ends the session: press Start again then, as a person would.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { agentConsole: c } = await gql('query { agentConsole { state activeCampaignId currentCall { status } } }', {}, agent);
      if (c.state === 'ON_CALL' && c.currentCall?.status === 'ANSWERED') break;
      if (!c.activeCampaignId) await gql('mutation($c: ID!) { startDialling(campaignId: $c) { state } }', { c: campaignId }, agent);
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 150));
    }
    const crashed = new Promise((resolve) => server!.child.once('exit', resolve));
    server!.child.kill('SIGKILL');
    await crashed;
    server = await start();

    const interrupted = async () =>
      (await gql('query($c: ID!) { interruptedCalls(campaignId: $c) { numberId contactName state } }', { c: campaignId }, supervisor)).interruptedCalls as {
        numberId: string; contactName: string; state: string;
      }[];
    await expect.poll(async () => (await interrupted()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const [cut] = await interrupted();

    // The supervisor's campaign page lists it with the three ways to settle it, and counts it among the states.
    const sup = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await sup.goto(`${base}/#/campaigns/${campaignId}`);
    await signIn(sup, 'supervisor@demo.local', 'demo1234');
    const supRow = sup.locator(`tr[data-interrupted="${cut!.numberId}"]`);
    await supRow.waitFor({ timeout: 30_000 });
    for (const label of ['Done', 'Call again', "Don't call"]) expect(await supRow.getByRole('button', { name: label }).count()).toBe(1);
    await expect.poll(async () => Number(await sup.locator('[data-stat=interrupted] .v').textContent())).toBeGreaterThan(0);
    await shot(sup, 'campaign-interrupted-1920');

    // The agent's console shows it apart from followups; "Don't call" settles it, and the supervisor's list follows live.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/#/console`);
    await signIn(page, 'agent1@demo.local', 'demo1234');
    const card = page.locator(`[data-followup="${cut!.numberId}"][data-state=INTERRUPTED]`);
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.textContent()).toContain('Interrupted call — customer had answered');
    await shot(page, 'console-interrupted-1280');
    await card.getByRole('button', { name: "Don't call" }).click();
    await expect.poll(() => page.locator('.queue [role=status]').textContent()).toContain('will not be called again');
    await expect.poll(() => card.count()).toBe(0);
    expect((await interrupted()).some((f) => f.numberId === cut!.numberId)).toBe(false);
    await expect.poll(() => supRow.count(), { timeout: 20_000 }).toBe(0);

    await gql('mutation { stopDialling { state } }', {}, agent);
    await ctx.close();
    await sup.close();
  });
});
