// Login through the municipality's identity provider (OpenID Connect), against a real local
// provider (oidc-provider-mock, started by scripts/test-browser with these subjects):
//   idp-wijkwerker  bound to the demo worker, logs in with a second factor (amr otp)
//   idp-teamleider  bound to the demo team lead, a password only: Eropaf asks its own code
//   idp-onbekend    bound to no account
import { test } from 'node:test';
import { BASE_URL, VIEWPORTS, assert, checkPage, launch, newPage, pathOf, secondFactor, logout } from './support.mjs';

const ISSUER = process.env.EROPAF_OIDC_ISSUER || '';
const PROVIDER = 'Gemeente Voorbeeld';

/** From Eropaf's login page through the provider's form as `subject`; returns the callback URL. */
async function viaProvider(page, subject, { deny = false } = {}) {
  await page.goto(`${BASE_URL}/inloggen`);
  await page.getByRole('link', { name: `Inloggen via ${PROVIDER}` }).click();
  await page.waitForURL((u) => u.origin === new URL(ISSUER).origin);
  const back = page.waitForRequest((r) => new URL(r.url()).pathname === '/inloggen/oidc/terug');
  if (deny) {
    await page.getByRole('button', { name: 'Deny' }).click();
  } else {
    await page.getByRole('button', { name: subject, exact: true }).click();
  }
  const callback = (await back).url();
  await page.waitForURL((u) => u.origin === new URL(BASE_URL).origin);
  await page.waitForLoadState('load');
  return callback;
}

async function alertText(page) {
  return (await page.getByRole('alert').allInnerTexts()).join(' ');
}

/** Whether the browser has a full session: /mijn-dag opens instead of a login step. */
async function hasSession(page) {
  await page.goto(`${BASE_URL}/mijn-dag`);
  return pathOf(page) === '/mijn-dag';
}

/** A refused provider login shows the login form again, with the reason as an alert. */
async function refusedWith(page, reason) {
  assert.ok(await page.getByLabel('Gebruikersnaam').isVisible(), `the login form is shown (at ${pathOf(page)})`);
  assert.match(await alertText(page), reason);
}

test('OpenID Connect: login at the municipality, its second factor, refusals and replay', async (t) => {
  assert.ok(ISSUER, 'EROPAF_OIDC_ISSUER is not set: run the journeys with scripts/test-browser, which starts the provider');
  const browser = await launch();
  t.after(() => browser.close());
  const page = await newPage(browser, VIEWPORTS.find((v) => v.name === 'desktop'));
  // The provider's own page asks a CDN for its style sheet; this machine has no internet.
  await page.route('https://cdn.jsdelivr.net/**', (r) => r.fulfill({ status: 200, contentType: 'text/css', body: '' }));

  await t.test('the login page offers the provider next to the password form', async () => {
    await page.goto(`${BASE_URL}/inloggen`);
    await checkPage(page, 'login with provider');
    assert.ok(await page.getByRole('heading', { level: 2, name: 'Met het account van uw gemeente' }).isVisible());
    assert.ok(await page.getByLabel('Gebruikersnaam').isVisible(), 'the password form stays');
  });

  let callback;
  await t.test('a worker bound to the subject, with the provider\'s second factor, lands in Eropaf at once', async () => {
    callback = await viaProvider(page, 'idp-wijkwerker');
    assert.equal(pathOf(page), '/mijn-dag', 'no code asked: the provider reported one (amr otp)');
    await checkPage(page, 'my day after provider login');
    await logout(page);
  });

  await t.test('the same answer from the provider cannot be used twice', async () => {
    await page.goto(callback);
    await refusedWith(page, /verlopen of al afgerond/);
    assert.equal(await hasSession(page), false);
  });

  await t.test('without a second factor from the provider, Eropaf asks its own code', async () => {
    await viaProvider(page, 'idp-teamleider');
    assert.equal(pathOf(page), '/inloggen/code');
    await checkPage(page, 'second step after provider login');
    assert.equal(await hasSession(page), false, 'before the code there is no session');
    await viaProvider(page, 'idp-teamleider');
    await secondFactor(page, 'team-lead');
    assert.notEqual(pathOf(page), '/inloggen');
    assert.equal(await hasSession(page), true);
    await logout(page);
  });

  await t.test('a subject bound to no account gets a clear refusal and no session', async () => {
    await viaProvider(page, 'idp-onbekend');
    await refusedWith(page, /niet aan een actief Eropaf-account gekoppeld/);
    await checkPage(page, 'refused provider login');
    assert.equal(await hasSession(page), false);
  });

  await t.test('cancelling at the provider says so', async () => {
    await viaProvider(page, '', { deny: true });
    await refusedWith(page, /afgebroken/);
    assert.equal(await hasSession(page), false);
  });
});
