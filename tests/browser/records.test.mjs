// Staff journeys over the record pages, in Debian's Chromium against the real `confer demo`:
// each page is checked with axe-core (WCAG 2.2 A and AA).
// Run from the repository root: node --test tests/browser/
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
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
} from './lib.mjs'

describe('records', { timeout: 240_000 }, () => {
  let server
  let browser

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
  })

  const user = (role) => {
    const u = server.users.get(role)
    assert.ok(u, `the demo printed no ${role}`)
    return u
  }

  test('a social worker finds a family, reads the record and corrects a child with a mistake first', async () => {
    const page = await newPage(browser, server)
    await signIn(page, user('social-worker'))
    await page.getByRole('link', { name: 'Families', exact: true }).click()
    await page.waitForLoadState('load')
    assert.equal(pathOf(page), '/families')
    await checkAccessibility(page, 'families')
    const first = page.locator('main table a').first()
    const familyName = await first.innerText()
    await Promise.all([page.waitForNavigation(), first.click()])
    assert.match(await page.locator('h1').innerText(), new RegExp(familyName))
    await checkAccessibility(page, 'family record')
    const change = page.getByRole('link', { name: /^Change/ }).first()
    await Promise.all([page.waitForNavigation(), change.click()])
    await checkAccessibility(page, 'change a child')
    const nhs = await field(page, 'nhs_number', 'NHS number')
    await nhs.fill('123 456 789')
    await pressButton(page, 'Save')
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'the error summary is shown')
    assert.equal(await nhs.inputValue(), '123 456 789', 'what was typed is kept')
    await checkAccessibility(page, 'change a child, with an error')
    await nhs.fill('')
    await pressButton(page, 'Save')
    assert.match(pathOf(page), /^\/families\/[^/]+$/, await mainText(page))
    await signOut(page)
    await page.close()
  })

  test('an auditor sees who read a family record, and the whole audit trail', async () => {
    const page = await newPage(browser, server)
    await signIn(page, user('auditor'))
    await page.goto('/families')
    const first = page.locator('main table a').first()
    await Promise.all([page.waitForNavigation(), first.click()])
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'See who read or changed this record' }).click()])
    assert.match(await mainText(page), /family\.read/)
    await checkAccessibility(page, 'family audit')
    await page.goto('/audit')
    await checkAccessibility(page, 'audit trail')
    await signOut(page)
    await page.close()
  })

  test('an administrator adds a user, fixing a mistake first, and manages their account page', async () => {
    const page = await newPage(browser, server)
    await signIn(page, user('administrator'))
    await page.goto('/admin/users')
    await checkAccessibility(page, 'users')
    await (await field(page, 'username', 'User name')).fill('new.chair')
    await (await field(page, 'display_name', 'Full name')).fill('Nia Newchair')
    await (await field(page, 'email', 'Email address')).fill('nia@council.example')
    await (await field(page, 'password', 'First password')).fill('short')
    await page.getByLabel('Conference chair').check()
    await pressButton(page, 'Add user')
    assert.ok(await page.locator('.govuk-error-summary').isVisible())
    assert.equal(await page.locator('#username').inputValue(), 'new.chair')
    assert.ok(await page.getByLabel('Conference chair').isChecked(), 'the chosen role is kept')
    await checkAccessibility(page, 'users, with an error')
    await (await field(page, 'password', 'First password')).fill('a-long-enough-first-password')
    await pressButton(page, 'Add user')
    assert.match(await page.locator('h1').innerText(), /Nia Newchair/)
    await checkAccessibility(page, 'a user')
    await page.goto('/account')
    await checkAccessibility(page, 'your account')
    await (await field(page, 'name', 'Token name')).fill('browser test')
    await pressButton(page, 'Create token')
    assert.match(await mainText(page), /confer_pat_/)
    await checkAccessibility(page, 'your account, new token')
    await signOut(page)
    await page.close()
  })

  test('the family sign-in page works in Welsh and English and is accessible', async () => {
    const page = await newPage(browser, server)
    await page.goto('/portal/sign-in?lang=cy')
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy')
    await checkAccessibility(page, 'portal sign-in (Welsh)')
    await (await field(page, 'email', 'Cyfeiriad e-bost')).fill('not-an-email')
    await pressButton(page, 'Anfonwch god ataf')
    assert.match(await mainText(page), /Mae problem wedi codi/)
    await checkAccessibility(page, 'portal sign-in error (Welsh)')
    await page.goto('/portal/sign-in')
    await checkAccessibility(page, 'portal sign-in (English)')
    await page.goto('/no-such-page')
    await checkAccessibility(page, 'not found')
    await page.close()
  })
})
