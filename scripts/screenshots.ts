/**
 * Screenshots of every page at 1920x1080 and 1280x800, for looking at the UI (nothing is committed).
 *
 *   npm start                                   # in one terminal (demo data)
 *   npm run screenshots -- http://127.0.0.1:4000 test-results/screenshots
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:4000';
const out = process.argv[3] ?? 'test-results/screenshots';
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
];

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/#\/(wallboard|console)$/);
}

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const size of SIZES) {
  const tag = `${size.width}x${size.height}`;
  const sup = await browser.newPage({ viewport: size });
  await signIn(sup, 'supervisor@demo.local', 'demo1234');
  await sup.goto(`${base}/#/wallboard`);
  await sup.locator('[data-testid=connection][data-status=connected]').waitFor();
  await sup.waitForTimeout(3000);
  await sup.screenshot({ path: path.join(out, `wallboard-${tag}.png`) });
  for (const [name, hash] of [['campaigns', '#/campaigns'], ['new-campaign', '#/campaigns/new'], ['lists', '#/lists'], ['contacts', '#/contacts']] as const) {
    await sup.goto(`${base}/${hash}`);
    await sup.waitForTimeout(1500);
    await sup.screenshot({ path: path.join(out, `${name}-${tag}.png`), fullPage: true });
  }
  await sup.goto(`${base}/#/campaigns`);
  await sup.locator('tbody tr a').first().click();
  await sup.waitForTimeout(2500);
  await sup.screenshot({ path: path.join(out, `campaign-${tag}.png`), fullPage: true });
  await sup.close();

  const agent = await browser.newPage({ viewport: size });
  await signIn(agent, 'agent2@demo.local', 'demo1234');
  await agent.waitForTimeout(2500);
  await agent.screenshot({ path: path.join(out, `console-${tag}.png`), fullPage: true });
  await agent.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
