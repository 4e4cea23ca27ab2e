// Sign-in journey against the real `confer demo` server in Debian's Chromium.
// Run from the repository root: node --test tests/browser/
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  DEMO_ROLES,
  checkAccessibility,
  field,
  launchBrowser,
  mainText,
  newPage,
  pathOf,
  pressButton,
  signIn,
  signOut,
  startServer,
  totp,
} from './lib.mjs'

test('totp() matches the RFC 6238 SHA-1 test vectors', () => {
  // RFC 6238 appendix B: the ASCII secret "12345678901234567890", 8 digits.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
  for (const [seconds, code] of [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ]) {
    assert.equal(totp(secret, seconds * 1000, { digits: 8 }), code, `at ${seconds} s`)
  }
  assert.equal(totp(secret, 59 * 1000), '287082')
})

describe('sign-in', { timeout: 240_000 }, () => {
  let server
  let browser
  const pages = []

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
  })

  async function page (contextOptions) {
    const p = await newPage(browser, server, contextOptions)
    pages.push(p)
    return p
  }

  function assertNoProblems (p) {
    assert.deepEqual(p.problems, [], 'the browser reported problems (CSP violations, script errors, missing assets)')
  }

  test('confer demo prints a demo user for every role', () => {
    assert.deepEqual([...server.users.keys()].sort(), [...DEMO_ROLES].sort())
    for (const u of server.users.values()) {
      assert.match(u.totpSecret, /^[A-Z2-7]{16,}=*$/, `TOTP secret of ${u.role}`)
    }
  })

  test('a wrong password shows an error summary and keeps the user name', async () => {
    const p = await page()
    await p.goto('/sign-in')
    await checkAccessibility(p, 'sign-in')
    const chair = server.user('chair')
    await (await field(p, 'username', 'User name')).fill(chair.username)
    await (await field(p, 'password', /^password/i)).fill(`${chair.password}-wrong`)
    await pressButton(p, 'Continue')

    assert.equal(new URL(p.url()).pathname, '/sign-in', `after a wrong password: ${await mainText(p)}`)
    const summary = p.locator('.govuk-error-summary')
    assert.equal(await summary.count(), 1, `no .govuk-error-summary on ${pathOf(p)}: ${await mainText(p)}`)
    assert.ok(await summary.isVisible(), 'the error summary is not visible')
    assert.equal(await p.locator('#username').inputValue(), chair.username, 'the typed user name was not kept')
    assert.equal(await p.locator('#password').inputValue(), '', 'the password must not be sent back')
    await checkAccessibility(p, 'sign-in with a wrong password')
    assertNoProblems(p)
  })

  test('the chair signs in with password and TOTP code, sees the dashboard, signs out', async () => {
    const p = await page()
    await p.goto('/')
    assert.equal(new URL(p.url()).pathname, '/sign-in', 'a signed-out visit to / should be sent to /sign-in')
    await checkAccessibility(p, 'sign-in (redirected from /)')

    await signIn(p, server.user('chair'))
    assert.equal(new URL(p.url()).pathname, '/', `after the code: ${pathOf(p)}: ${await mainText(p)}`)
    const h1 = p.locator('h1')
    assert.equal(await h1.count(), 1, 'the dashboard should have one h1')
    assert.match(await h1.innerText(), /Dashboard/)
    await checkAccessibility(p, 'dashboard (chair)')

    // init.js ran under the Content-Security-Policy and govuk-frontend started.
    assert.ok(
      await p.evaluate(() => document.body.classList.contains('govuk-frontend-supported')),
      'govuk-frontend did not start: is /assets/init.js loaded with <script type="module">?')

    await signOut(p)
    assert.equal(new URL(p.url()).pathname, '/sign-in', `after signing out: ${pathOf(p)}`)
    await checkAccessibility(p, 'sign-in (after signing out)')

    await p.goto('/')
    assert.equal(new URL(p.url()).pathname, '/sign-in', 'after signing out, / should send to /sign-in again')
    assertNoProblems(p)
  })

  test('every demo user can sign in and sees an accessible dashboard', async () => {
    for (const role of DEMO_ROLES) {
      if (role === 'chair') continue
      const p = await page()
      await signIn(p, server.user(role), { check: false })
      assert.equal(new URL(p.url()).pathname, '/', `${role} after the code: ${pathOf(p)}: ${await mainText(p)}`)
      assert.match(await p.locator('h1').first().innerText(), /Dashboard/, `${role}'s dashboard`)
      await checkAccessibility(p, `dashboard (${role})`)
      await signOut(p)
      assert.equal(new URL(p.url()).pathname, '/sign-in', `${role} after signing out`)
      assertNoProblems(p)
      await p.context().close()
    }
  })

  // Uses the chair again: freshTotp waits for a new code if the last one was
  // used in this 30-second step, in case the server refuses a code twice.
  test('signing in and out works with JavaScript turned off', async () => {
    const p = await page({ javaScriptEnabled: false })
    await p.goto('/')
    assert.equal(new URL(p.url()).pathname, '/sign-in')
    await signIn(p, server.user('chair'), { check: false })
    assert.equal(new URL(p.url()).pathname, '/', `after the code: ${pathOf(p)}: ${await mainText(p)}`)
    assert.match(await p.locator('h1').first().innerText(), /Dashboard/)
    await signOut(p)
    assert.equal(new URL(p.url()).pathname, '/sign-in')
    assertNoProblems(p)
  })
})
