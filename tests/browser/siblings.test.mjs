// The whole initial child protection conference for three siblings through the pages, in
// Debian's Chromium against the real `confer demo` (issue 6): the social worker requests one
// conference for the three children of their first demo family (S47-01); the coordinator
// schedules it with the demo chair (CHAIR-01) and invites everyone involved (INV-01); the chair
// meets the parents first (MEET-01), starts, and decides for each child: a child protection
// plan under neglect, one under emotional abuse, and a child in need plan (DEC-01/02); closes
// (DEC-05); the note taker drafts the record, the chair approves it and the coordinator sends
// a parent their copy (MIN-02). Then the review (REV-01), requested from the family page with
// the previous chair suggested (CHAIR-02), continues one plan and ends the other (DEC-01).
// axe-core checks every page visited.
// Run from the repository root: node --test tests/browser/siblings.test.mjs
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

const DEMO_CHAIR_NAME = 'Helen Marchbank'
const DEMO_NOTE_TAKER_NAME = 'Dawn Pilling'
/** A Wednesday that is a working day in all four nations. */
const TODAY = '2026-11-25'

describe('three siblings', { timeout: 600_000 }, () => {
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

  const user = (role) => {
    const u = server.users.get(role)
    assert.ok(u, `the demo printed no ${role}`)
    return u
  }

  const click = async (page, locator) => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()])
  }

  /** A page signed in as the demo user of `role`, in a browser context of its own. */
  const as = async (role) => {
    const page = await newPage(browser, server)
    await signIn(page, user(role), { check: false })
    return page
  }

  /** The six-digit code in the newest e-mail the demo wrote to `address` (waits for it). */
  const mailedCode = async (address) => {
    const dir = path.join(server.tmpDir, 'confer-data', 'mail')
    for (let i = 0; i < 150; i++) {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : []
      const texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).filter((t) => t.includes(address))
      const m = texts.map((t) => /\b(\d{6})\b/.exec(t.split(/\r?\n\r?\n/).slice(1).join('\n'))).find(Boolean)
      if (m) return m[1]
      await sleep(200)
    }
    throw new Error(`no sign-in code was e-mailed to ${address} in ${dir}`)
  }

  const refusedWith = async (page) =>
    (await page.locator('.govuk-error-summary').isVisible()) ? await page.locator('.govuk-error-summary').innerText() : ''

  test('an initial conference for three siblings: two child protection plans and a child in need plan', async () => {
    const sw = await as('social-worker')
    const coordinator = await as('coordinator')
    const chair = await as('chair')
    const notes = await as('note-taker')

    // The social worker's family of three at the enquiry stage.
    await sw.goto('/families')
    const row = sw.locator('main table tbody tr').filter({ has: sw.locator('td:nth-child(2)', { hasText: /^3$/ }) }).filter({ hasText: 'Enquiry' }).first()
    await click(sw, row.locator('a').first())
    const family = pathOf(sw)
    await click(sw, sw.getByRole('link', { name: 'Request a conference' }))
    const children = sw.locator('input[name=children]')
    assert.equal(await children.count(), 3, 'the request offers the three children')
    for (const box of await children.all()) await box.check()
    await (await field(sw, 'strategy_discussion_on', 'Date of the strategy discussion')).fill(TODAY)
    await sw.getByLabel('Section 47 enquiry', { exact: true }).check()
    await sw.getByLabel('Suffering significant harm', { exact: true }).check()
    await (await field(sw, 'reason', 'Why a conference is needed')).fill('The children are often hungry; the eldest is frightened at home.')
    await sw.getByLabel('Neglect', { exact: true }).check()
    await sw.getByLabel('Emotional abuse', { exact: true }).check()
    for (const box of await sw.locator('input[name=family_members]').all()) await box.check()
    for (const box of await sw.locator('input[name=professionals]').all()) await box.check()
    await pressButton(sw, 'Request the conference')
    assert.match(pathOf(sw), /^\/conferences\/[^/?]+\?done=request$/, await refusedWith(sw))
    const conference = pathOf(sw).split('?')[0]
    await checkAccessibility(sw, 'conference for three children, requested')

    // The coordinator schedules it with the demo chair and invites everyone involved.
    // Each task is its own page (issue 11): the task list links to it.
    await coordinator.goto(conference)
    await click(coordinator, coordinator.getByRole('link', { name: 'Schedule the conference', exact: true }))
    await (await field(coordinator, 'schedule-date', 'Date')).fill(TODAY)
    await (await field(coordinator, 'schedule-time', 'Time')).fill('14:00')
    await (await field(coordinator, 'schedule-venue', 'Venue')).fill('Room 4, Civic Centre')
    await (await field(coordinator, 'schedule-chair_id', 'Chair')).selectOption({ label: DEMO_CHAIR_NAME })
    await (await field(coordinator, 'schedule-note_taker_id', 'Note taker')).selectOption({ label: DEMO_NOTE_TAKER_NAME })
    await pressButton(coordinator, 'Schedule the conference')
    if (await coordinator.locator('input[name=accept_clashes]').count() > 0) {
      await coordinator.locator('input[name=accept_clashes]').check()
      await pressButton(coordinator, 'Schedule the conference')
    }
    assert.match(await mainText(coordinator), /has been scheduled/, await refusedWith(coordinator))
    await click(coordinator, coordinator.getByRole('link', { name: 'Invitations and answers', exact: true }))
    // Everyone involved except the children, who are under the authority's age to attend
    // (CHILD-01: their views are gathered instead).
    const choices = (await coordinator.locator('#invite-invitee option').evaluateAll((os) => os.map((o) => o.value)))
      .filter((v) => v && !v.startsWith('child:'))
    let invited = 0
    for (const value of choices) {
      await coordinator.locator('#invite-invitee').selectOption(value)
      await pressButton(coordinator, 'Invite')
      assert.match(await mainText(coordinator), /invitation has been recorded/, await refusedWith(coordinator))
      invited += 1
    }
    assert.ok(invited >= 2, `the parents and professionals are invited (${invited})`)
    await checkAccessibility(coordinator, 'conference for three children, everyone invited')

    // The chair: the pre-meeting with a parent, then the live page.
    await chair.goto(`${conference}/pre-meetings`)
    await (await field(chair, 'pre-meeting-adult_id', 'Parent or carer')).selectOption({ index: 1 })
    await pressButton(chair, 'Record the pre-meeting')
    assert.match(await mainText(chair), /pre-meeting has been recorded/, await refusedWith(chair))
    await chair.goto(`${conference}/meeting`)
    await pressButton(chair, 'Start the conference')
    assert.match(await mainText(chair), /has started/)
    await chair.goto(`${conference}/meeting/discussion`)
    await (await field(chair, 'discussion-heading', 'Heading')).selectOption('worries')
    await (await field(chair, 'discussion-text', 'What was said')).fill('School: all three children arrive hungry.\nHealth: the youngest missed two appointments.')
    await pressButton(chair, 'Add to the discussion')

    // DEC-01/02: one decision per child, on the decisions task's page.
    await chair.goto(`${conference}/meeting/decisions`)
    const names = (await chair.locator('#decision-child_id option').allInnerTexts()).slice(1)
    assert.equal(names.length, 3)
    const decide = async (index, outcome, category) => {
      await (await field(chair, 'decision-child_id', 'Child')).selectOption({ index })
      await chair.getByLabel(outcome, { exact: true }).check()
      if (category) {
        await (await field(chair, 'decision-category', 'Category')).selectOption({ label: category })
        await (await field(chair, 'decision-continuing_risk', 'continuing risk')).check()
      }
      await pressButton(chair, 'Record the decision')
      if (await chair.locator('.govuk-error-summary').isVisible()) {
        // INV-03: without a quorum the chair says why they decide anyway (the policy allows it).
        await (await field(chair, 'decision-child_id', 'Child')).selectOption({ index })
        await chair.getByLabel(outcome, { exact: true }).check()
        if (category) {
          await (await field(chair, 'decision-category', 'Category')).selectOption({ label: category })
          await (await field(chair, 'decision-continuing_risk', 'continuing risk')).check()
        }
        await (await field(chair, 'decision-inquorate_reason', 'not quorate')).fill('Every agency sent a report; both parents attended.')
        await pressButton(chair, 'Record the decision')
      }
      assert.match(await mainText(chair), /decision has been recorded/, await refusedWith(chair))
    }
    await decide(1, 'A child protection plan (choose the category)', 'Neglect')
    await decide(2, 'A child protection plan (choose the category)', 'Emotional abuse')
    await decide(3, 'A child in need plan')
    const decisions = await chair.locator('#decisions + dl').innerText()
    assert.match(decisions, /category of neglect/)
    assert.match(decisions, /category of emotional abuse/)
    assert.match(decisions, /child in need plan/i)
    await checkAccessibility(chair, 'meeting decisions page, three decisions')
    await chair.goto(`${conference}/meeting/close`)
    await pressButton(chair, 'Close the conference')
    assert.match(await mainText(chair), /conference is closed/, await refusedWith(chair))

    // MIN-02: the note taker drafts the record, the chair approves, the coordinator sends it.
    // The record is a task list (issue 11): the draft, each section, approval and sending are
    // each their own page.
    await notes.goto(`${conference}/record`)
    await checkAccessibility(notes, 'record task list, closed')
    await click(notes, notes.getByRole('link', { name: 'Write the draft from the meeting', exact: true }))
    await checkAccessibility(notes, 'record task page: the draft')
    await pressButton(notes, 'Write the draft from the meeting')
    assert.doesNotMatch(await refusedWith(notes), /./)
    assert.match(await notes.locator('#task-section-1-status').innerText(), /In progress/)
    await checkAccessibility(notes, 'record task list, drafted')
    await click(notes, notes.locator('#task-section-1 a'))
    await checkAccessibility(notes, 'record task page: a section')
    await pressButton(notes, /^Save section 1\b/)
    assert.match(await mainText(notes), /section has been saved/, await refusedWith(notes))
    await chair.goto(`${conference}/record/approve`)
    await checkAccessibility(chair, 'record task page: approve')
    await pressButton(chair, 'Approve the record')
    assert.doesNotMatch(await refusedWith(chair), /./)
    await coordinator.goto(`${conference}/record`)
    await click(coordinator, coordinator.getByRole('link', { name: 'Send the record', exact: true }))
    await checkAccessibility(coordinator, 'record task page: send the record')
    await (await field(coordinator, 'distribute-recipient', 'Send to')).selectOption({ index: 1 })
    await pressButton(coordinator, 'Send their copy')
    assert.doesNotMatch(await refusedWith(coordinator), /./)
    await checkAccessibility(coordinator, 'record task page, record sent')
    for (const path of ['outcome', 'corrections', 'versions']) {
      await coordinator.goto(`${conference}/record/${path}`)
      await checkAccessibility(coordinator, `record task page: ${path}`)
    }
    await coordinator.goto(conference)
    assert.match(await coordinator.locator('#task-record-status').innerText(), /Completed/)
    await checkAccessibility(coordinator, 'conference task list, record sent')
    // The family's case follows the conference: two children are now on plans.
    await sw.goto(family)
    assert.match(await sw.locator('main').innerText(), /Stage\s+Child protection plan/)

    // Issue 13 (CG-03): the first core group meeting, recorded through the pages from the
    // plan; refused first (nobody ticked) with the form kept; then the child's timeline with its
    // charts. At 320 CSS px none of these pages scrolls sideways as a whole.
    await click(sw, sw.locator('#plans + ul a').first())
    await checkAccessibility(sw, 'a child protection plan')
    const plan = pathOf(sw).split('?')[0]
    // Issues 13 and 14 (CG-01, CG-02): the next core group meeting is arranged from the plan
    // first; refused without a place, with what was typed kept; then arranged, shown on the
    // plan, and offered to move or cancel. Recording the meeting later takes it up.
    assert.match(await sw.locator('#core-group-arranged').innerText(), /Not arranged yet/)
    await click(sw, sw.getByRole('link', { name: 'Arrange the next core group meeting' }))
    await checkAccessibility(sw, 'arrange a core group meeting')
    await (await field(sw, 'ar-on', 'Day')).fill('2/12/2026')
    await (await field(sw, 'ar-at', 'Time')).fill('10:00')
    await pressButton(sw, 'Arrange the meeting and invite the core group')
    assert.match(await refusedWith(sw), /Say where the meeting is/)
    assert.equal(await sw.locator('#ar-at').inputValue(), '10:00')
    await checkAccessibility(sw, 'arrange a core group meeting, refused')
    await (await field(sw, 'ar-venue', 'Place')).fill('Family Centre, room 3')
    await pressButton(sw, 'Arrange the meeting and invite the core group')
    assert.match(await sw.locator('#core-group-arranged').innerText(), /2 December 2026 at 10:00/)
    await click(sw, sw.getByRole('link', { name: 'Move or cancel the core group meeting' }))
    await checkAccessibility(sw, 'the core group meeting arranged: move or cancel')
    await sw.setViewportSize({ width: 320, height: 800 })
    const narrow = await sw.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(narrow <= 320, `the arranged meeting's page scrolls sideways at 320 CSS px (${narrow} px wide)`)
    await sw.setViewportSize({ width: 1280, height: 800 })
    await sw.goto(plan)
    await click(sw, sw.getByRole('link', { name: 'Record a core group meeting' }))
    await checkAccessibility(sw, 'core group meeting form')
    await (await field(sw, 'cg-concern_for_review', 'concern')).fill('Kept when refused.')
    await pressButton(sw, 'Save the core group meeting')
    assert.match(await refusedWith(sw), /who of the core group|Choose/)
    assert.equal(await sw.locator('#cg-concern_for_review').inputValue(), 'Kept when refused.')
    await checkAccessibility(sw, 'core group meeting form, refused')
    await sw.locator('#cg-concern_for_review').fill('')
    await sw.locator('input[name=present]').first().check()
    await sw.locator('#cg-rating_1').selectOption('4')
    for (const box of await sw.locator('textarea[name^=evidence_]').all()) await box.fill('Seen at the home visit.')
    await pressButton(sw, 'Save the core group meeting')
    assert.match(await mainText(sw), /core group meeting is saved/, await refusedWith(sw))
    assert.match(await sw.locator('#core-group-meetings ~ .govuk-summary-card').first().innerText(), /Meeting 1/)
    assert.match(await sw.locator('#core-group-arranged').innerText(), /Not arranged yet/, 'the meeting held took it up')
    await checkAccessibility(sw, 'a plan with a core group meeting')
    await click(sw, sw.getByRole('link', { name: /timeline, with the safety scale/ }))
    await checkAccessibility(sw, "a child's timeline with its charts")
    assert.ok(await sw.locator('svg[role=img]').count() >= 1, 'the safety chart is drawn')
    const timeline = pathOf(sw)
    await sw.setViewportSize({ width: 320, height: 800 })
    for (const path of [plan, `${plan}/core-group`, timeline, `${plan}/young-person`]) {
      await sw.goto(path)
      const wide = await sw.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(wide <= 320, `${path} scrolls sideways at 320 CSS px (${wide} px wide)`)
    }
    await sw.setViewportSize({ width: 1280, height: 800 })

    // Issue 13 (PLAN-06): a parent reads the plan in the family portal, in English and Welsh.
    // The social worker gives the first adult of the family portal access; the parent signs in
    // with the code e-mailed to them (the demo writes e-mails as .eml files).
    await sw.goto(`${family}/portal-access`)
    const adult = (await sw.locator('#person option').evaluateAll((os) => os.map((o) => o.value)))
      .find((v) => v.startsWith('adult:'))
    assert.ok(adult, 'an adult of the family can be given portal access')
    await sw.locator('#person').selectOption(adult)
    await (await field(sw, 'email', 'email address')).fill('parent.journey@example.org')
    await pressButton(sw, 'Give portal access')
    assert.match(await mainText(sw), /Portal access given/, await refusedWith(sw))
    const parent = await newPage(browser, server)
    await parent.goto('/portal/sign-in')
    await (await field(parent, 'email', 'Email')).fill('parent.journey@example.org')
    await pressButton(parent, 'Send me a code')
    const code = await mailedCode('parent.journey@example.org')
    await (await field(parent, 'code', 'code')).fill(code)
    await pressButton(parent, 'Continue')
    await parent.goto('/portal')
    const planLink = parent.locator('#plans + ul a').first()
    assert.ok(await planLink.count() > 0, 'the portal home links to the child\'s plan')
    await click(parent, planLink)
    await checkAccessibility(parent, "my child's plan in the portal")
    assert.match(await mainText(parent), /does not change who has parental responsibility/)
    assert.match(await parent.locator('#actions').innerText(), /Who will do what, and by when/)
    await click(parent, parent.getByRole('link', { name: 'Cymraeg' }))
    await checkAccessibility(parent, "my child's plan in the portal, in Welsh")
    assert.match(await parent.locator('#parental-responsibility').innerText(), /Nid yw'r cynllun hwn yn newid/)
    assert.equal(await parent.locator('html').getAttribute('lang'), 'cy')
    await parent.setViewportSize({ width: 320, height: 800 })
    await parent.reload()
    const parentWide = await parent.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(parentWide <= 320, `the portal's plan scrolls sideways at 320 CSS px (${parentWide} px wide)`)
    assert.deepEqual(parent.problems, [])
    await parent.close()
    await sw.goto(family)

    // REV-01, CHAIR-02: the review of the two plans, requested from the family page; the
    // previous chair is suggested; the review continues one plan and ends the other, stepping
    // down to a child in need plan.
    await click(sw, sw.getByRole('link', { name: 'Request a conference' }))
    await sw.getByLabel(/^Review/).first().check()
    await pressButton(sw, 'Show the form for this kind')
    await checkAccessibility(sw, 'request a review conference')
    for (const name of names.slice(0, 2)) await sw.getByLabel(new RegExp(`^${name} \\(born`)).check()
    await sw.locator('input[name=previous_conference_id]').first().check()
    await (await field(sw, 'reason', 'Why a conference is needed')).fill('The three-month review of both plans.')
    await sw.getByLabel('Neglect', { exact: true }).check()
    await sw.getByLabel('Emotional abuse', { exact: true }).check()
    for (const box of await sw.locator('input[name=family_members]').all()) await box.check()
    for (const box of await sw.locator('input[name=professionals]').all()) await box.check()
    await pressButton(sw, 'Request the conference')
    assert.match(pathOf(sw), /^\/conferences\/[^/?]+\?done=request$/, await refusedWith(sw))
    const review = pathOf(sw).split('?')[0]
    assert.notEqual(review, conference)

    await coordinator.goto(`${review}/schedule`)
    const suggested = await coordinator.locator('#schedule-chair_id option:checked').innerText()
    assert.equal(suggested.trim(), DEMO_CHAIR_NAME, 'CHAIR-02: the previous chair is suggested')
    await (await field(coordinator, 'schedule-date', 'Date')).fill(TODAY)
    await (await field(coordinator, 'schedule-time', 'Time')).fill('16:30')
    await (await field(coordinator, 'schedule-venue', 'Venue')).fill('Room 4, Civic Centre')
    await (await field(coordinator, 'schedule-note_taker_id', 'Note taker')).selectOption({ label: DEMO_NOTE_TAKER_NAME })
    await pressButton(coordinator, 'Schedule the conference')
    if (await coordinator.locator('input[name=accept_clashes]').count() > 0) {
      await coordinator.locator('input[name=accept_clashes]').check()
      await pressButton(coordinator, 'Schedule the conference')
    }
    assert.match(await mainText(coordinator), /has been scheduled/, await refusedWith(coordinator))
    await click(coordinator, coordinator.getByRole('link', { name: 'Invitations and answers', exact: true }))
    for (const value of (await coordinator.locator('#invite-invitee option').evaluateAll((os) => os.map((o) => o.value)))
      .filter((v) => v && !v.startsWith('child:'))) {
      await coordinator.locator('#invite-invitee').selectOption(value)
      await pressButton(coordinator, 'Invite')
      assert.match(await mainText(coordinator), /invitation has been recorded/, await refusedWith(coordinator))
    }

    await chair.goto(`${review}/pre-meetings`)
    await (await field(chair, 'pre-meeting-adult_id', 'Parent or carer')).selectOption({ index: 1 })
    await pressButton(chair, 'Record the pre-meeting')
    await chair.goto(`${review}/meeting`)
    await pressButton(chair, 'Start the conference')
    assert.match(await mainText(chair), /has started/, await refusedWith(chair))
    await checkAccessibility(chair, 'review meeting page, in progress')
    await chair.goto(`${review}/meeting/decisions`)
    await decide(1, 'Review: the child protection plan continues (choose the category)', 'Neglect')
    await decide(2, 'Review: the plan ends, stepping down to a child in need plan')
    const reviewed = await chair.locator('#decisions + dl').innerText()
    assert.match(reviewed, /continues, under the category of neglect/)
    assert.match(reviewed, /plan ends; a child in need plan follows/)
    await chair.goto(`${review}/meeting/close`)
    await pressButton(chair, 'Close the conference')
    assert.match(await mainText(chair), /conference is closed/, await refusedWith(chair))
    await checkAccessibility(chair, 'review meeting page, closed')
    await sw.goto(family)
    assert.match(await sw.locator('main').innerText(), /Stage\s+Child protection plan/, 'one plan continues')

    for (const p of [sw, coordinator, chair, notes]) {
      assert.deepEqual(p.problems, [])
      await p.close()
    }
  })
})
