// Keyboard only: the journey uses nothing but keyboard.press and keyboard.type (the page is read to
// know where focus is, never clicked). Skip link, login, the main menu, household search, a
// result opened with Enter. Every focus stop on the way must show a visible focus indicator.

import { describe, test, before, after } from 'node:test';
import { assert, BASE_URL, LOGINS, VIEWPORTS, checkPage, freshCode, launch, newPage, pathOf } from './support.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What has focus: tag, id, name, href, text, and whether a focus indicator is drawn. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body' };
    const style = getComputedStyle(el);
    const indicator = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
    const box = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute('name'),
      href: el.getAttribute('href'),
      text: (el.innerText || '').trim(),
      indicator,
      inView: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    };
  });
}

/** Presses Tab until the focused element matches; each stop must have a visible focus indicator. */
async function tabTo(page, matches, what, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag !== 'body') {
      assert.ok(f.indicator, `no visible focus indicator on ${JSON.stringify(f)} (while tabbing to ${what})`);
    }
    if (matches(f)) {
      assert.ok(f.inView, `${what} has focus but is not scrolled into view`);
      return f;
    }
  }
  assert.fail(`${what} not reached with ${max} presses of Tab`);
}

async function waitForPath(page, path) {
  await page.waitForURL((u) => u.pathname === path);
  await page.waitForLoadState('load');
}

for (const viewport of VIEWPORTS) {
  describe(`keyboard ${viewport.name} ${viewport.width}x${viewport.height}`, () => {
    test('skip link, log in, household search, open a result with Enter', { timeout: 180_000 }, async () => {
      const page = await newPage(browser, viewport);
      try {
        await page.goto(`${BASE_URL}/inloggen`);
        await checkPage(page, 'login form (keyboard)');

        // The first Tab stop is the skip link, shown when focused; Enter moves focus to the main content.
        const skip = await tabTo(page, () => true, 'the first focus stop', 1);
        assert.equal(skip.text, 'Naar de inhoud', 'the first Tab stop is the skip link');
        assert.equal(skip.href, '#inhoud');
        await page.keyboard.press('Enter');
        assert.equal((await focused(page)).id, 'inhoud', 'the skip link moves focus to <main>');

        // Log in by keyboard: the next stop after main is the municipality's login (when
        // OpenID Connect is configured, as in these runs), then the username field.
        const oidc = await tabTo(page, () => true, 'the next focus stop', 1);
        if (oidc.href === '/inloggen/oidc') assert.match(oidc.text, /^Inloggen via /);
        const user = oidc.name === 'gebruikersnaam' ? oidc : await tabTo(page, (f) => f.name === 'gebruikersnaam', 'the username field', 1);
        assert.equal(user.tag, 'input');
        await page.keyboard.type(LOGINS.worker.user);
        await tabTo(page, (f) => f.name === 'wachtwoord', 'the password field', 1);
        await page.keyboard.type(LOGINS.worker.password);
        await page.keyboard.press('Enter');
        // The second factor, by keyboard too: the code field is the first stop after main.
        await waitForPath(page, '/inloggen/code');
        await checkPage(page, 'second login step (keyboard)');
        await tabTo(page, () => true, 'the skip link', 1);
        await page.keyboard.press('Enter');
        await tabTo(page, (f) => f.name === 'code', 'the code field', 1);
        await page.keyboard.type(await freshCode('worker'));
        await page.keyboard.press('Enter');
        await waitForPath(page, '/mijn-dag');
        await checkPage(page, 'mijn dag (keyboard)');

        // The household to look for: the first address on mijn dag (read, not clicked).
        const link = page.locator('main a[href^="/huishoudens/"]').first();
        const href = await link.getAttribute('href');
        const line = (await link.innerText()).trim();
        const m = line.match(/^(.+) (\S+), ([1-9][0-9]{3} ?[A-Z]{2}) /);
        assert.ok(m, `cannot read an address from "${line}"`);
        const [, , houseNumber, postcode] = m;

        // Main menu → household search.
        await tabTo(page, (f) => f.tag === 'a' && f.href === '/huishoudens', 'the menu link Huishoudens zoeken');
        await page.keyboard.press('Enter');
        await waitForPath(page, '/huishoudens');
        await checkPage(page, 'household search (keyboard)');

        // Fill postcode and house number and submit with Enter.
        await tabTo(page, (f) => f.name === 'postcode', 'the postcode field');
        await page.keyboard.type(postcode);
        await tabTo(page, (f) => f.name === 'huisnummer', 'the house number field', 1);
        await page.keyboard.type(houseNumber);
        await page.keyboard.press('Enter');
        await page.locator('#kop-resultaten').waitFor();
        await page.waitForFunction(() => document.activeElement?.id === 'kop-resultaten', null, { timeout: 5_000 });
        await checkPage(page, 'household search results (keyboard)');

        // From the result count, Tab reaches the result (the scrollable table region comes first).
        await tabTo(page, (f) => f.tag === 'a' && f.href === href, `the result ${href}`, 5);
        await page.keyboard.press('Enter');
        await waitForPath(page, href);
        assert.equal(pathOf(page), href);
        await checkPage(page, 'household page (keyboard)');
        // The household page, or its first-visit brief when the team decided to go and nobody
        // has been reached yet (issue 5).
        assert.match(await page.locator('h1').innerText(), /^(Huishouden|Eerste bezoek): /);

        // Log out by keyboard: the button in the header (focus starts at the top of the new page).
        await tabTo(page, (f) => f.tag === 'button' && f.text === 'Uitloggen', 'the log-out button');
        await page.keyboard.press('Enter');
        await waitForPath(page, '/inloggen');
      } finally {
        await page.context().close();
      }
    });
  });
}
