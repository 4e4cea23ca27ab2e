// A parent's complaint and records request through the family portal (RIGHT-02, RIGHT-01), in
// Debian's Chromium against the real `confer demo`: the social worker gives a parent of their
// first family portal access; the parent signs in with the e-mailed code, makes a complaint
// (a mistake first: the error summary, what was typed kept), sees it under "My complaints"
// with the date it will be answered by, and asks for their records; then the same in Welsh.
// axe-core checks every page visited.
// Run from the repository root: node --test tests/browser/complaints.test.mjs
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
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
  startServer,
} from './lib.mjs'

/** A Wednesday that is a working day in all four nations. */
const TODAY = '2026-11-25'

describe('a parent complains and asks for their records', { timeout: 300_000 }, () => {
  let server
  let browser

  before(async () => {
    server = await startServer({ today: TODAY })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close().catch(() => {})
    await server?.stop()
  })

  const click = async (page, locator) => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()])
  }

  /** The six-digit code in the newest e-mail the demo wrote to `address` (waits for it). */
  const mailedCode = async (address) => {
    const dir = path.join(server.tmpDir, 'confer-data', 'mail')
    for (let i = 0; i < 150; i++) {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : []
      const texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).filter((t) => t.includes(address))
      const m = texts.reverse().map((t) => /\b(\d{6})\b/.exec(t.split(/\r?\n\r?\n/).slice(1).join('\n'))).find(Boolean)
      if (m) return m[1]
      await sleep(200)
    }
    throw new Error(`no sign-in code was e-mailed to ${address} in ${dir}`)
  }

  const refusedWith = async (page) =>
    (await page.locator('.govuk-error-summary').isVisible()) ? await page.locator('.govuk-error-summary').innerText() : ''

  /** Gives a parent of the social worker's first family portal access; returns a signed-in portal page. */
  const parentSignedIn = async (email) => {
    const sw = await newPage(browser, server)
    await signIn(sw, server.user('social-worker'), { check: false })
    await sw.goto('/families')
    await click(sw, sw.locator('main table tbody a').first())
    const family = pathOf(sw)
    await sw.goto(`${family}/portal-access`)
    const adults = (await sw.locator('#person option').evaluateAll((os) => os.map((o) => o.value)))
      .filter((v) => v.startsWith('adult:'))
    assert.ok(adults.length > 0, 'an adult of the family can be given portal access')
    await sw.locator('#person').selectOption(adults[0])
    await (await field(sw, 'email', 'email address')).fill(email)
    await pressButton(sw, 'Give portal access')
    assert.match(await mainText(sw), /Portal access given/, await refusedWith(sw))
    await sw.close()
    const parent = await newPage(browser, server)
    await parent.goto('/portal/sign-in')
    await (await field(parent, 'email', 'Email')).fill(email)
    await pressButton(parent, 'Send me a code')
    const code = await mailedCode(email)
    await (await field(parent, 'code', 'code')).fill(code)
    await pressButton(parent, 'Continue')
    await parent.goto('/portal')
    return parent
  }

  test('in English: make a complaint, see it under My complaints, and ask for records', async () => {
    const parent = await parentSignedIn('complaint.journey@example.org')
    await checkAccessibility(parent, 'portal home with complaints')
    await click(parent, parent.getByRole('link', { name: 'Make a complaint', exact: true }))
    assert.equal(new URL(parent.url()).pathname, '/portal/complaints/new')
    await checkAccessibility(parent, 'make a complaint')
    // A mistake: nothing chosen about what it is.
    await (await field(parent, 'details', 'What went wrong?')).fill('Nobody told me the date of the meeting.')
    await pressButton(parent, 'Send my complaint')
    assert.ok(await parent.locator('.govuk-error-summary').isVisible(), 'the error summary is shown')
    assert.match(await parent.locator('.govuk-error-summary').innerText(), /Choose what your complaint is about/)
    assert.equal(await parent.locator('#details').inputValue(), 'Nobody told me the date of the meeting.', 'what was typed is kept')
    await checkAccessibility(parent, 'make a complaint, with an error')
    await parent.getByLabel("How our family's case is handled").check()
    await pressButton(parent, 'Send my complaint')
    assert.equal(new URL(parent.url()).pathname, '/portal/complaints', await refusedWith(parent))
    const text = (await parent.locator('main').innerText()).replace(/\s+/g, ' ')
    assert.match(text, /Your complaint has been sent/)
    assert.match(text, /How our family's case is handled/)
    assert.match(text, /We will answer by/)
    assert.match(text, /A complaints officer will look at your complaint/)
    await checkAccessibility(parent, 'my complaints')

    // The records request, from the portal home.
    await parent.goto('/portal')
    await click(parent, parent.locator('#records ~ p a').first())
    assert.match(new URL(parent.url()).pathname, /\/records-requests$/)
    await checkAccessibility(parent, 'ask for your records')
    await pressButton(parent, 'Send my request')
    assert.match(await mainText(parent), /Your request has been sent/, await refusedWith(parent))
    await checkAccessibility(parent, 'ask for your records, sent')
    assert.deepEqual(parent.problems, [])
    await parent.close()
  })

  test('in Welsh: make a complaint, see it under Fy nghwynion, and ask for records', async () => {
    const parent = await parentSignedIn('cwyn.journey@example.org')
    await click(parent, parent.getByRole('link', { name: 'Cymraeg' }))
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    await click(parent, parent.getByRole('link', { name: 'Gwneud cwyn', exact: true }))
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    await checkAccessibility(parent, 'make a complaint (Welsh)')
    await pressButton(parent, 'Anfon fy nghwyn')
    assert.match(await parent.locator('.govuk-error-summary').innerText(), /Mae problem wedi codi/)
    assert.match(await parent.locator('.govuk-error-summary').innerText(), /Dewiswch am beth mae eich cwyn/)
    await checkAccessibility(parent, 'make a complaint, with an error (Welsh)')
    await parent.getByLabel('Sut mae achos ein teulu yn cael ei drin').check()
    await (await field(parent, 'details', "Beth aeth o'i le?")).fill("Ni chefais wybod am y cyfarfod.")
    await pressButton(parent, 'Anfon fy nghwyn')
    assert.equal(new URL(parent.url()).pathname, '/portal/complaints', await refusedWith(parent))
    const text = (await parent.locator('main').innerText()).replace(/\s+/g, ' ')
    assert.match(text, /Mae eich cwyn wedi'i hanfon/)
    assert.match(text, /Byddwn yn ateb erbyn/)
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    await checkAccessibility(parent, 'my complaints (Welsh)')

    await parent.goto('/portal?lang=cy')
    await click(parent, parent.locator('#records ~ p a').first())
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    await checkAccessibility(parent, 'ask for your records (Welsh)')
    await pressButton(parent, 'Anfon fy nghais')
    assert.match(await mainText(parent), /Mae eich cais wedi/, await refusedWith(parent))
    await checkAccessibility(parent, 'ask for your records, sent (Welsh)')
    assert.deepEqual(parent.problems, [])
    await parent.close()
  })
})
