// Issue 14 in Debian's Chromium against the real `confer demo`:
// - narrow screens (WCAG 1.4.10): every staff page each demo role opens, and the family and
//   professional portal pages, fit 320 CSS pixels without the page scrolling sideways (a wide
//   table scrolls in its own labelled region); axe-core checks each at that width;
// - a parent asks in the family portal for her invitation in large print (LANG-03), in English
//   and in Welsh, and the coordinator meets the request (confer makes the large print letter);
// - a partner professional (ROLE-04) signs in to the portal (e-mailed code, then an
//   authenticator), sees the conference they are invited to, answers, submits a report and
//   sees the actions they own, in English and in Welsh.
// Run from the repository root: node --test tests/browser/formats.test.mjs
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import {
  checkAccessibility,
  DEMO_ROLES,
  field,
  launchBrowser,
  mainText,
  newPage,
  pathOf,
  pressButton,
  signIn,
  startServer,
  totp,
} from './lib.mjs'

/** A Wednesday that is a working day in all four nations. */
const TODAY = '2026-11-25'
const NARROW = { width: 320, height: 800 }

/** The staff pages without a record in their path; each role opens those it may. */
const STAFF_PAGES = [
  '/', '/conferences', '/conferences/chair', '/families', '/deadlines', '/deadlines/late-reasons',
  '/plans', '/account', '/audit', '/admin/users', '/admin/policy', '/admin/closures',
  '/admin/retention', '/records', '/records/disposals', '/quality', '/quality/checklist',
  '/quality/feedback', '/subject-access', '/returns/census',
]

describe('formats, narrow screens and the professional portal', { timeout: 900_000 }, () => {
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

  const as = async (role) => {
    const page = await newPage(browser, server)
    await signIn(page, server.user(role), { check: false })
    return page
  }

  /** The portal people the demo printed: role -> email. */
  const portalUsers = () => {
    const out = new Map()
    for (const line of server.stdout().split(/\r?\n/)) {
      const m = /^demo-portal-user role=(\S+) username=(\S+) email=(\S+)/.exec(line.trim())
      if (m && !out.has(m[1])) out.set(m[1], m[3])
    }
    return out
  }

  /** The six-digit code in the newest e-mail the demo wrote to `address` after `since`. */
  const mailedCode = async (address, since = new Set()) => {
    const dir = path.join(server.tmpDir, 'confer-data', 'mail')
    for (let i = 0; i < 150; i++) {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml') && !since.has(f)) : []
      const texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).filter((t) => t.includes(address))
      const m = texts.map((t) => /\b(\d{6})\b/.exec(t.split(/\r?\n\r?\n/).slice(1).join('\n'))).find(Boolean)
      if (m) return m[1]
      await sleep(200)
    }
    throw new Error(`no sign-in code was e-mailed to ${address} in ${dir}`)
  }
  const mailFiles = () => {
    const dir = path.join(server.tmpDir, 'confer-data', 'mail')
    return new Set(existsSync(dir) ? readdirSync(dir) : [])
  }

  /** Signs a portal person in with the code e-mailed to them; returns the page. */
  const portalSignIn = async (email) => {
    const page = await newPage(browser, server)
    await page.goto('/portal/sign-in')
    const seen = mailFiles()
    await (await field(page, 'email', 'Email')).fill(email)
    await pressButton(page, 'Send me a code')
    await (await field(page, 'code', 'code')).fill(await mailedCode(email, seen))
    await pressButton(page, 'Continue')
    return page
  }

  /** The page at 320 CSS px: never wider than the screen, and axe finds nothing. */
  const fitsNarrow = async (page, label) => {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(wide <= 320, `${label} (${pathOf(page)}) scrolls sideways at 320 CSS px (${wide} px wide)`)
    await checkAccessibility(page, `${label} at 320 CSS px`)
  }

  test('every staff page fits 320 CSS pixels (WCAG 1.4.10)', async () => {
    for (const role of DEMO_ROLES) {
      const page = await as(role)
      await page.setViewportSize(NARROW)
      const seen = []
      for (const p of STAFF_PAGES) {
        const res = await page.goto(p)
        if (res.status() !== 200) continue
        seen.push(p)
        await fitsNarrow(page, `${p} as ${role}`)
      }
      assert.ok(seen.includes('/'), `${role} opens the dashboard`)
      // A family's record, and a conference with each of its task pages.
      if ((await page.goto('/families')).status() === 200) {
        const family = page.locator('main table tbody tr a').first()
        if (await family.count() > 0) {
          await click(page, family)
          await fitsNarrow(page, `a family's record as ${role}`)
          const conference = page.locator('#conferences + ul a').first()
          if (await conference.count() > 0) {
            await click(page, conference)
            await fitsNarrow(page, `a conference as ${role}`)
            const base = pathOf(page).split('?')[0]
            const tasks = await page.locator(`main a[href^="${base}/"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')))
            for (const t of [...new Set(tasks)].filter((h) => !h.includes('download'))) {
              const res = await page.goto(t)
              if (res.status() === 200) await fitsNarrow(page, `${t} as ${role}`)
            }
          }
        }
      }
      assert.deepEqual(page.problems, [], role)
      await page.context().close()
    }
  })

  test('a parent asks for her invitation in large print in the portal, in English and Welsh (LANG-03)', async () => {
    const email = portalUsers().get('parent')
    assert.ok(email, `the demo printed a portal parent: ${server.stdout().slice(0, 2000)}`)
    const parent = await portalSignIn(email)
    await parent.goto('/portal')
    await parent.setViewportSize(NARROW)
    await fitsNarrow(parent, 'the portal home')
    await click(parent, parent.getByRole('link', { name: /See this conference/ }).first())
    const conference = pathOf(parent).split('?')[0]
    await fitsNarrow(parent, 'a conference in the portal')

    // Nothing chosen: the error summary, in plain words.
    await pressButton(parent, 'Ask for this')
    assert.match(await parent.locator('.govuk-error-summary').innerText(), /Select the document you want/)
    await checkAccessibility(parent, 'the format request refused')
    await parent.getByLabel('The invitation letter', { exact: true }).check()
    await parent.getByLabel('Large print', { exact: true }).check()
    await pressButton(parent, 'Ask for this')
    assert.match(await mainText(parent), /We have your request/)
    assert.match(await parent.locator('#formats ~ ul').first().innerText(), /The invitation letter, Large print: asked for on/)
    await fitsNarrow(parent, 'the conference after asking')

    // In Welsh.
    await click(parent, parent.getByRole('link', { name: 'Cymraeg' }))
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    assert.match(await parent.locator('#formats').innerText(), /Eich dogfennau mewn iaith neu fformat arall/)
    assert.match(await parent.locator('#formats ~ ul').first().innerText(), /Y llythyr gwahodd, Print bras: gofynnwyd amdani ar/)
    await fitsNarrow(parent, 'the conference in Welsh')
    assert.deepEqual(parent.problems, [])

    // The coordinator meets it: confer makes the large print letter and puts it on the print list.
    const coordinator = await as('coordinator')
    const id = conference.split('/').pop()
    await coordinator.goto(`/conferences/${id}/formats`)
    await checkAccessibility(coordinator, 'translations and other formats')
    const request = await coordinator.locator('#format-met-number option').evaluateAll((os) =>
      os.filter((o) => /Large print/.test(o.textContent)).map((o) => o.value))
    assert.ok(request.length > 0, await mainText(coordinator))
    await coordinator.locator('#format-met-number').selectOption(request[0])
    await pressButton(coordinator, 'Record it as met')
    assert.match(await mainText(coordinator), /recorded as met/)
    await coordinator.setViewportSize(NARROW)
    await fitsNarrow(coordinator, 'translations and other formats')
    await parent.goto(`${conference}?lang=en`)
    assert.match(await parent.locator('#formats ~ ul').first().innerText(), /The invitation letter, Large print: sent on/)
    await parent.context().close()
    await coordinator.context().close()
  })

  /** A partner professional signs in: the e-mailed code, then an authenticator set up now. */
  const professional = async () => {
    const email = portalUsers().get('professional')
    assert.ok(email, 'the demo printed its partner professional')
    const page = await portalSignIn(email)
    assert.match(pathOf(page), /^\/sign-in\/enrol/, await mainText(page))
    await checkAccessibility(page, 'setting up an authenticator')
    const secret = (await page.locator('.confer-totp-secret').innerText()).replace(/\s/g, '')
    await (await field(page, 'code', /code/i)).fill(totp(secret))
    await pressButton(page, 'Continue')
    return page
  }

  test('a partner professional answers, sends a report and sees their actions, in English and Welsh (ROLE-04)', async () => {
    // A conference of the demo social worker's caseload, to which the demo professional (a
    // police officer involved in each) is invited: requested, scheduled, everyone invited.
    const sw = await as('social-worker')
    await sw.goto('/families')
    await click(sw, sw.locator('main table tbody tr').filter({ hasText: 'Enquiry' }).first().locator('a').first())
    await click(sw, sw.getByRole('link', { name: 'Request a conference' }))
    for (const box of await sw.locator('input[name=children]').all()) await box.check()
    await (await field(sw, 'strategy_discussion_on', 'Date of the strategy discussion')).fill(TODAY)
    await sw.getByLabel('Section 47 enquiry', { exact: true }).check()
    await sw.getByLabel('Suffering significant harm', { exact: true }).check()
    await (await field(sw, 'reason', 'Why a conference is needed')).fill('The children are often hungry.')
    await sw.getByLabel('Neglect', { exact: true }).check()
    for (const box of await sw.locator('input[name=family_members]').all()) await box.check()
    for (const box of await sw.locator('input[name=professionals]').all()) await box.check()
    await pressButton(sw, 'Request the conference')
    assert.match(pathOf(sw), /^\/conferences\/[^/?]+\?done=request$/, await mainText(sw))
    const conference = pathOf(sw).split('?')[0]
    const coordinator = await as('coordinator')
    await coordinator.goto(`${conference}/schedule`)
    await (await field(coordinator, 'schedule-date', 'Date')).fill('2026-12-09')
    await (await field(coordinator, 'schedule-time', 'Time')).fill('11:00')
    await (await field(coordinator, 'schedule-venue', 'Venue')).fill('Room 2, Civic Centre')
    await (await field(coordinator, 'schedule-chair_id', 'Chair')).selectOption({ label: 'Helen Marchbank' })
    await pressButton(coordinator, 'Schedule the conference')
    if (await coordinator.locator('input[name=accept_clashes]').count() > 0) {
      await coordinator.locator('input[name=accept_clashes]').check()
      await pressButton(coordinator, 'Schedule the conference')
    }
    assert.match(await mainText(coordinator), /has been scheduled/)
    await coordinator.goto(`${conference}/invitations`)
    for (const value of (await coordinator.locator('#invite-invitee option').evaluateAll((os) => os.map((o) => o.value)))
      .filter((v) => v.startsWith('professional:'))) {
      await coordinator.locator('#invite-invitee').selectOption(value)
      await pressButton(coordinator, 'Invite')
    }

    const pro = await professional()
    await pro.goto('/portal')
    await checkAccessibility(pro, "the professional's portal")
    const card = pro.locator('.govuk-summary-card').filter({ has: pro.locator(`a[href="${conference}"]`) })
    assert.equal(await card.count(), 1, `the invitation is on /portal: ${await mainText(pro)}`)
    assert.match(await card.innerText(), /Not answered yet/)
    await pro.setViewportSize(NARROW)
    await fitsNarrow(pro, "the professional's portal")
    await pro.setViewportSize({ width: 1280, height: 800 })

    // Answers: attending in person.
    await click(pro, card.getByRole('link', { name: /^Answer/ }))
    await checkAccessibility(pro, 'answering an invitation')
    const mine = await pro.locator('#answer-invitation option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean))
    assert.equal(mine.length, 1, 'only their own invitation is offered')
    await pro.locator('#answer-invitation').selectOption(mine[0])
    await pro.getByLabel('Attending in person', { exact: true }).check()
    await pressButton(pro, 'Record the answer')
    await pro.goto('/portal')
    assert.match(await card.innerText(), /Coming in person/)

    // Sends a report.
    await click(pro, card.getByRole('link', { name: /Send your report/ }))
    await checkAccessibility(pro, 'sending a report')
    const authors = await pro.locator('#report-author option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean))
    assert.equal(authors.length, 1, 'they send only their own report')
    await pro.locator('#report-author').selectOption(authors[0])
    await (await field(pro, 'report-heading_1', 'Heading')).fill('Police involvement')
    await pro.locator('#report-text_1').fill('Two call-outs this year; no charges.')
    await pressButton(pro, 'Submit the report')
    await pro.goto('/portal')
    assert.doesNotMatch(await card.innerText(), /Send your report/)

    // The actions they own, and the same page in Welsh.
    assert.match(await mainText(pro), /actions|Actions/)
    await click(pro, pro.getByRole('link', { name: 'Cymraeg' }))
    assert.equal(await pro.locator('html').getAttribute('lang'), 'cy')
    // The heading of their invitations (the page's first 400 characters may be feedback cards).
    assert.equal(await pro.getByRole('heading', { name: 'Cynadleddau rydych wedi eich gwahodd iddynt' }).count(), 1)
    await checkAccessibility(pro, "the professional's portal in Welsh")
    await pro.setViewportSize(NARROW)
    await fitsNarrow(pro, "the professional's portal in Welsh")
    assert.deepEqual(pro.problems, [])
    for (const p of [sw, coordinator, pro]) await p.context().close()
  })
})
