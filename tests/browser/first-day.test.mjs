// A municipality's first day (issue 20), in a real browser at phone width, against `eropaf serve`
// on an empty database that holds nothing but the administrator `beheer` (scripts/test-browser
// starts it, as the README's first-day section does). The administrator enrols a second factor
// with the QR page, sets the municipality, reads CBS's kerncijfers and a BAG extract from
// testdata/first-day (a bad file's lines shown, nothing stored), makes two teams, a worker in
// each and a partner with its API key; the partner's system sends a signal about a BAG address
// where nobody is registered yet; the worker of that wijk's team, enrolled with the QR page too,
// sees it, and the worker of the other team does not. Every page passes axe (WCAG 2.1 AA).
import { test } from 'node:test';
import { join } from 'node:path';
import { assert, checkPage, launch, newPage, pathOf, totpCode, VIEWPORTS } from './support.mjs';

const URL_ = (process.env.EROPAF_FIRST_DAY_URL || '').replace(/\/$/, '');
const PASSWORD = process.env.EROPAF_FIRST_DAY_PASSWORD || '';
const DATA = join(process.env.EROPAF_TESTDATA || '../../testdata', 'first-day');
const PHONE = VIEWPORTS.find((v) => v.name === 'phone');
const TIMEOUT = 240_000;

async function submit(page, buttonName, path) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    page.locator('main').getByRole('button', { name: buttonName }).first().click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

async function nav(page, name, path) {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL((u) => u.pathname === path);
}

/** The enrolment step: the QR code has its name, the key as text gives the code. */
async function enrol(page, who) {
  assert.equal(pathOf(page), '/inloggen/code', `${who} is taken to the second factor`);
  await checkPage(page, `second factor enrolment (${who})`);
  assert.ok(await page.getByRole('img', { name: /^QR-code om Eropaf/ }).isVisible(), 'the QR code has its accessible name');
  const secret = (await page.locator('main .eropaf-secret').innerText()).replace(/\s+/g, '');
  await page.getByLabel('Code uit uw authenticator-app').fill(totpCode(secret, Math.floor(Date.now() / 30_000)));
  assert.equal(await submit(page, 'Instellen en inloggen', '/inloggen/code'), 303, `${who}'s first code is accepted`);
}

async function passwordLogin(page, user, password) {
  await page.goto(`${URL_}/inloggen`);
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(password);
  return submit(page, 'Inloggen', '/inloggen');
}

/** A colleague made on screen sets a password with the one-time code, then enrols. */
async function firstLogin(browser, user, code) {
  const page = await newPage(browser, PHONE);
  const password = `een eigen zin van ${user}`;
  await page.goto(`${URL_}/inloggen/herstellen`);
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Herstelcode').fill(code);
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(password);
  await page.getByLabel('Herhaal het nieuwe wachtwoord').fill(password);
  assert.equal(await submit(page, 'Wachtwoord instellen', '/inloggen/herstellen'), 303);
  assert.equal(await passwordLogin(page, user, password), 303);
  await enrol(page, user);
  return page;
}

test('a municipality\'s first day: from an empty database to a team at work', { timeout: TIMEOUT, skip: URL_ ? false : 'runs on the embedded database pass only' }, async (t) => {
  const browser = await launch();
  t.after(() => browser.close());
  const admin = await newPage(browser, PHONE);
  const codes = {};
  let key = '';

  await t.test('the administrator logs in and enrols a second factor with the QR code', async () => {
    assert.equal(await passwordLogin(admin, 'beheer', PASSWORD), 303);
    await enrol(admin, 'beheer');
    assert.equal(pathOf(admin), '/beheer');
    await checkPage(admin, 'administration home');
  });

  await t.test('the municipality, its kerncijfers and its addresses', async () => {
    await nav(admin, 'Gemeente en gebieden', '/beheer/gebieden');
    await checkPage(admin, 'municipality form');
    await admin.getByLabel('CBS-gemeentecode').fill('0999');
    await admin.getByLabel('Naam van de gemeente').fill('Eropafdam');
    assert.equal(await submit(admin, 'Gemeente instellen', '/beheer/gemeente'), 422);
    await checkPage(admin, 'municipality form with errors');
    await admin.getByLabel('CBS-gemeentecode').fill('GM0999');
    assert.equal(await submit(admin, 'Gemeente instellen', '/beheer/gemeente'), 303);
    assert.ok(await admin.getByText('Eropafdam (GM0999)').isVisible());

    await admin.getByLabel('Jaar van de kerncijfers').fill('2023');
    await admin.getByLabel('CSV-bestand van CBS').setInputFiles(join(DATA, 'kerncijfers-fout.csv'));
    assert.equal(await submit(admin, 'Kerncijfers inlezen', '/beheer/gebieden/importeren'), 422);
    const lines = await admin.locator('#bestandsfouten li').allInnerTexts();
    for (const line of [12, 13, 15, 17, 18]) assert.ok(lines.some((l) => l.startsWith(`regel ${line}:`)), `line ${line} is named: ${lines.join(' | ')}`);
    assert.ok(await admin.getByText('Er zijn nog geen wijken en buurten.').isVisible(), 'nothing was stored');
    await checkPage(admin, 'kerncijfers refused');

    await admin.getByLabel('Jaar van de kerncijfers').fill('2023');
    await admin.getByLabel('CSV-bestand van CBS').setInputFiles(join(DATA, 'kerncijfers-2023.csv'));
    assert.equal(await submit(admin, 'Kerncijfers inlezen', '/beheer/gebieden/importeren'), 200);
    assert.match(await admin.getByRole('status').first().innerText(), /Kerncijfers 2023 ingelezen: 7 gebieden nieuw/);

    await admin.getByLabel('CSV-bestand uit de BAG').setInputFiles(join(DATA, 'bag-adressen.csv'));
    assert.equal(await submit(admin, 'Adressen inlezen', '/beheer/adressen/importeren'), 200);
    assert.match(await admin.getByRole('status').first().innerText(), /34 nieuw, 0 al bekend, 6 objecten zonder woonfunctie/);
    await checkPage(admin, 'areas with their figures');
  });

  await t.test('two teams over the wijken', async () => {
    await nav(admin, 'Teams', '/beheer/teams');
    await checkPage(admin, 'teams, none yet');
    for (const [name, wijk] of [['Team Centrum', 'wijk Centrum (WK099901)'], ['Team De Veenen', 'wijk De Veenen (WK099902)']]) {
      await admin.getByLabel('Naam van het team').fill(name);
      await admin.locator('section[aria-labelledby="kop-nieuw-team"]').getByLabel(wijk, { exact: true }).check();
      assert.equal(await submit(admin, 'Team toevoegen', '/beheer/teams'), 303);
    }
    assert.ok(await admin.getByRole('heading', { level: 2, name: 'Team Centrum' }).isVisible());
    await checkPage(admin, 'teams');
  });

  await t.test('a worker in each team, a partner and its API key', async () => {
    for (const [user, team] of [['w-centrum', 'Team Centrum'], ['w-veenen', 'Team De Veenen']]) {
      await admin.goto(`${URL_}/beheer/accounts/nieuw`);
      await admin.getByLabel('Gebruikersnaam').fill(user);
      await admin.getByLabel("Naam zoals collega's die zien").fill(`Wijkwerker ${team}`);
      await admin.getByLabel('Rol').selectOption('worker');
      await admin.getByLabel('Team', { exact: true }).selectOption({ label: team });
      assert.equal(await submit(admin, 'Account aanmaken', '/beheer/accounts/nieuw'), 201);
      codes[user] = (await admin.locator('main .eropaf-secret').innerText()).trim();
    }
    await checkPage(admin, 'account created');
    await nav(admin, 'Partnerorganisaties', '/beheer/partners');
    await admin.getByLabel('Naam', { exact: true }).fill('Woonstichting Eropafdam');
    await admin.getByLabel('Soort (DDAS)').selectOption('huur');
    assert.equal(await submit(admin, 'Organisatie toevoegen', '/beheer/partners/nieuw'), 303);
    assert.equal(await submit(admin, /^Nieuwe API-sleutel/, '/beheer/partners/sleutel'), 200);
    key = (await admin.locator('main .eropaf-secret').innerText()).trim();
    assert.ok(key.length > 20, 'the key is shown once');
    await checkPage(admin, 'partner with its new key');
  });

  await t.test('the partner\'s signal about a BAG address reaches the team of that wijk only', async () => {
    const signal = {
      signaaldatum: new Date().toISOString().slice(0, 10), bedrag: 1200, crisissignaal: false, warme_overdracht: false,
      client: { voorletters: 'A.', voornaam: 'Anouk', voorvoegsel: 'de', achternaam: 'Vries', geboortedatum: '1984-05-06',
        straatnaam: 'Kerkstraat', huisnummer: '10', postcode: '9991 AC', plaatsnaam: 'Eropafdam' },
    };
    const sent = await fetch(`${URL_}/api/v1/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': 'eerste-dag-1' },
      body: JSON.stringify(signal),
    });
    assert.equal(sent.status, 201, await sent.text());

    const centrum = await firstLogin(browser, 'w-centrum', codes['w-centrum']);
    await centrum.goto(`${URL_}/signaalzaken`);
    await checkPage(centrum, 'signal cases of Team Centrum');
    assert.ok(await centrum.getByText('Kerkstraat 10', { exact: false }).first().isVisible(), 'Team Centrum sees the signal');

    const veenen = await firstLogin(browser, 'w-veenen', codes['w-veenen']);
    await veenen.goto(`${URL_}/signaalzaken`);
    await checkPage(veenen, 'signal cases of Team De Veenen');
    assert.equal(await veenen.getByText('Kerkstraat 10', { exact: false }).count(), 0, 'Team De Veenen does not');
  });
});
