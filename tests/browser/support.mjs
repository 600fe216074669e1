// Shared helpers for the browser journeys: the demo server's address and logins (from the
// environment that scripts/test-browser sets), Debian's Chromium through playwright-core, and the
// checks every page gets: axe-core WCAG 2.1 A/AA with zero violations, and no sideways scrolling
// at phone width.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE_URL = (process.env.EROPAF_BASE_URL || '').replace(/\/$/, '');
if (!BASE_URL) {
  throw new Error('EROPAF_BASE_URL is not set; run the browser tests through scripts/test-browser');
}

/**
 * The demo logins, from the `demo-login role=ROLE user=NAME password=PASSWORD [totp-secret=BASE32]`
 * lines the server printed; roles that see personal data have a TOTP secret.
 */
export const LOGINS = parseLogins(process.env.EROPAF_DEMO_LOGINS || '');

function parseLogins(text) {
  const logins = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^demo-login role=(\S+) user=(\S+) password=(\S+)(?: totp-secret=(\S+))?\s*$/);
    if (m) logins[m[1]] = { user: m[2], password: m[3], totp: m[4] };
  }
  for (const role of ['worker', 'team-lead', 'partner', 'privacy-officer', 'admin']) {
    if (!logins[role]) throw new Error(`EROPAF_DEMO_LOGINS has no demo-login line for role ${role}`);
  }
  return logins;
}

export const VIEWPORTS = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 900 },
];

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.EROPAF_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (own cookies) at the given viewport, Dutch by default. */
export async function newPage(browser, viewport) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    locale: 'nl-NL',
    isMobile: false,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Script errors and CSP refusals show up as console errors. "Failed to load resource" is also
  // logged for the expected 401/404/422 answers, so failed loads are judged by the responses:
  // any style sheet, script, image or font that does not load is a problem.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    const kind = r.request().resourceType();
    if (r.status() >= 400 && !['document', 'xhr', 'fetch'].includes(kind)) problems.push(`${kind} ${r.url()} answered ${r.status()}`);
  });
  page.on('requestfailed', (r) => {
    if (!['document', 'xhr', 'fetch'].includes(r.resourceType())) problems.push(`${r.resourceType()} ${r.url()} failed: ${r.failure()?.errorText}`);
  });
  page.problems = problems;
  return page;
}

/** Path of the page's URL, with the query. */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary.replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}x)\n${nodes}`;
    })
    .join('\n');
}

/**
 * The checks every visited page gets: axe-core with the WCAG 2.0/2.1 A and AA rules finds nothing,
 * nothing scrolls sideways at phone width, the document has a language, and the browser logged no
 * script errors (a CSP violation shows up as one).
 */
export async function checkPage(page, label) {
  await page.waitForLoadState('load');
  const where = `${label} (${pathOf(page)}, ${page.viewportSize().width}px)`;
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  assert.equal(results.violations.length, 0, `axe found WCAG 2.1 AA violations on ${where}:\n${formatViolations(results.violations)}`);
  const width = page.viewportSize().width;
  if (width <= 360) {
    const overflow = await page.evaluate(() => {
      const root = document.documentElement;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && !el.closest('.eropaf-table-wrap'))
        .filter((el) => getComputedStyle(el).position !== 'absolute' || el.getBoundingClientRect().left >= 0)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''}`);
      return { scrollWidth: root.scrollWidth, wide };
    });
    assert.ok(overflow.scrollWidth <= width, `${where} scrolls sideways: scrollWidth ${overflow.scrollWidth} > ${width}; widest: ${overflow.wide.join(', ')}`);
  }
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert.match(lang, /^(nl|en)$/, `${where}: <html lang> is "${lang}"`);
  assert.deepEqual(page.problems, [], `${where}: the browser reported errors`);
  return results;
}

/** Fills the login form and submits it; returns the response status of the form post. */
export async function submitLogin(page, user, password) {
  await page.goto(`${BASE_URL}/inloggen`);
  await page.getByLabel(/^(Gebruikersnaam|Username)$/).fill(user);
  await page.getByLabel(/^(Wachtwoord|Password)$/).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/inloggen'),
    page.getByRole('button', { name: /^(Inloggen|Log in)$/ }).click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

/** RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) for a base32 secret. */
export function totpCode(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) || []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * A code counts once per account, and the test files run in parallel processes: each login
 * claims its 30-second step for the user with a file only one process can create, and waits for
 * the next step when the current one is taken.
 */
async function claimStep(user) {
  const dir = process.env.EROPAF_TOTP_CLAIMS || join(tmpdir(), `eropaf-totp-claims-${new URL(BASE_URL).port}`);
  mkdirSync(dir, { recursive: true });
  for (;;) {
    const now = Date.now();
    const step = Math.floor(now / 30_000);
    try {
      writeFileSync(join(dir, `${user}-${step}`), '', { flag: 'wx' });
      return step;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      await new Promise((r) => setTimeout(r, (step + 1) * 30_000 - now + 100));
    }
  }
}

/** The code of the moment for a demo role, with its step claimed. */
export async function freshCode(role) {
  const { user, totp } = LOGINS[role];
  assert.ok(totp, `role ${role} has no TOTP secret in EROPAF_DEMO_LOGINS`);
  return totpCode(totp, await claimStep(user));
}

/** On the second login step (`/inloggen/code`): fills in the role's code and submits it. */
export async function secondFactor(page, role) {
  assert.equal(pathOf(page), '/inloggen/code', `${role} is asked for a code`);
  await page.getByLabel(/^(Code uit uw authenticator-app|Code from your authenticator app)$/).fill(await freshCode(role));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/inloggen/code'),
    page.getByRole('button', { name: /^(Inloggen|Log in)$/ }).click(),
  ]);
  await page.waitForLoadState('load');
  assert.equal(response.status(), 303, `the code of ${role} is accepted (got ${response.status()})`);
}

/** Logs in as a demo role, checking the login page on the way, and returns the page it lands on. */
export async function login(page, role) {
  await page.goto(`${BASE_URL}/inloggen`);
  await checkPage(page, 'login');
  const { user, password, totp } = LOGINS[role];
  const status = await submitLogin(page, user, password);
  assert.equal(status, 303, `logging in as ${role} should redirect (got ${status})`);
  if (totp) {
    await checkPage(page, `second login step (${role})`);
    await secondFactor(page, role);
  }
  assert.notEqual(new URL(page.url()).pathname, '/inloggen', `logging in as ${role} left us on the login page`);
  return pathOf(page);
}

/** Logs out with the header button and checks we are back at the login form without a session. */
export async function logout(page) {
  await page.getByRole('button', { name: /^(Uitloggen|Log out)$/ }).click();
  await page.waitForURL((u) => u.pathname === '/inloggen');
  await page.goto(`${BASE_URL}/mijn-dag`);
  assert.equal(new URL(page.url()).pathname, '/inloggen', 'after logging out, /mijn-dag should send us to the login form');
}

export { assert };
