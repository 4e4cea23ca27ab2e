// The conference journey in Debian's Chromium against the real `confer demo` (issue 6): the
// social worker requests a conference for one of their families (S47-01, TIME-01), the
// coordinator schedules it with the demo chair (CHAIR-01) and invites a parent (INV-01), the
// chair records the pre-meeting (MEET-01), each by following the conference's task list to the
// task's own page (issue 11), opens the live meeting's task list, starts, and on each task's
// own page records a point of the discussion (MEET-05, MEET-07), decides (DEC-01) and closes.
// axe-core checks every page, every meeting task page included.
// Run from the repository root: node --test tests/browser/conference.test.mjs
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

const DEMO_CHAIR_NAME = 'Helen Marchbank'
/** A Wednesday that is a working day in all four nations. */
const TODAY = '2026-11-25'

describe('conference journey', { timeout: 300_000 }, () => {
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

  test('request, schedule with the demo chair, and the chair records and decides in the live meeting', async (t) => {
    // The server runs as if today were this Wednesday, a working day in every nation, so a
    // conference can be scheduled and held today whatever day the tests run on.
    const today = TODAY
    const page = await newPage(browser, server)

    // The social worker requests a conference from the family page.
    await signIn(page, user('social-worker'))
    await click(page, page.getByRole('link', { name: 'Families', exact: true }))
    await click(page, page.locator('main table a').first())
    await checkAccessibility(page, 'family record with conferences')
    await click(page, page.getByRole('link', { name: 'Request a conference' }))
    await checkAccessibility(page, 'request a conference')
    await pressButton(page, 'Request the conference')
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'an empty request is refused with the reason')
    await checkAccessibility(page, 'request a conference, with an error')
    await page.locator('#children').check()
    await (await field(page, 'strategy_discussion_on', 'Date of the strategy discussion')).fill(today)
    await page.getByLabel('Section 47 enquiry', { exact: true }).check()
    await page.getByLabel('Suffering significant harm', { exact: true }).check()
    await (await field(page, 'reason', 'Why a conference is needed')).fill('Neglect: the children are often hungry and unwashed.')
    await page.getByLabel('Neglect', { exact: true }).check()
    for (const box of await page.locator('input[name=family_members]').all()) await box.check()
    for (const box of await page.locator('input[name=professionals]').all()) await box.check()
    await pressButton(page, 'Request the conference')
    assert.match(pathOf(page), /^\/conferences\/[^/?]+\?done=request$/, await mainText(page))
    const conference = pathOf(page).split('?')[0]
    assert.match(await mainText(page), /It must be held by/)
    // The conference page is a summary and a task list; nothing can be held before a date.
    assert.match(await page.locator('#task-pre-meetings-status').innerText(), /Cannot start yet/)
    await checkAccessibility(page, 'conference task list, requested')
    await signOut(page)

    // The coordinator finds it waiting, schedules it with the demo chair and invites a parent.
    await signIn(page, user('coordinator'))
    await click(page, page.getByRole('link', { name: 'Conferences', exact: true }))
    await checkAccessibility(page, 'coordinator list')
    await click(page, page.locator(`main a[href="${conference}"]`).first())
    assert.match(await page.locator('#task-schedule-status').innerText(), /Not yet started/)
    await click(page, page.getByRole('link', { name: 'Schedule the conference', exact: true }))
    await checkAccessibility(page, 'task: schedule the conference')
    await (await field(page, 'schedule-date', 'Date')).fill(today)
    await (await field(page, 'schedule-venue', 'Venue')).fill('Room 2, Civic Centre')
    await (await field(page, 'schedule-chair_id', 'Chair')).selectOption({ label: DEMO_CHAIR_NAME })
    await pressButton(page, 'Schedule the conference')
    const keep = page.locator('input[name=accept_clashes]')
    if (await keep.count() > 0) {
      // The demo chair may already chair another conference at that time: the clash is shown
      // and the coordinator keeps the time by saying so.
      await checkAccessibility(page, 'task: schedule the conference, clashes shown')
      await keep.check()
      await pressButton(page, 'Schedule the conference')
    }
    if (await page.locator('.govuk-error-summary').isVisible()) {
      assert.fail(`scheduling was refused: ${await page.locator('.govuk-error-summary').innerText()}`)
    }
    assert.match(await mainText(page), /has been scheduled/)
    assert.equal(pathOf(page), `${conference}?done=schedule`, 'back on the task list')
    assert.match(await page.locator('#task-schedule-status').innerText(), /Completed/)
    await checkAccessibility(page, 'conference task list, scheduled')
    await click(page, page.getByRole('link', { name: 'Invitations and answers', exact: true }))
    await checkAccessibility(page, 'task: invitations and answers')
    const invitee = await field(page, 'invite-invitee', 'Who to invite')
    await invitee.selectOption({ index: 1 })
    await pressButton(page, 'Invite')
    assert.match(await mainText(page), /invitation has been recorded/)
    assert.equal(pathOf(page), `${conference}/invitations?done=invite`, 'on the task page, to invite the next person')
    await click(page, page.getByRole('link', { name: "Back to the conference's tasks" }).first())
    assert.match(await page.locator('#task-invitations-status').innerText(), /In progress/)
    // Every task the coordinator may open is its own accessible page, one heading, its forms only.
    const tasks = await page.locator('ul.govuk-task-list a.govuk-task-list__link').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]))
    assert.ok(tasks.length >= 10, `the coordinator's tasks: ${JSON.stringify(tasks)}`)
    for (const [href, name] of tasks) {
      await page.goto(href)
      await checkAccessibility(page, `task page ${name}`)
      await click(page, page.getByRole('link', { name: "Back to the conference's tasks" }).first())
    }
    await signOut(page)

    // The chair: today's conference on the dashboard; the pre-meeting; the live page.
    await signIn(page, user('chair'))
    await click(page, page.getByRole('link', { name: 'Your conferences', exact: true }))
    await checkAccessibility(page, 'chair dashboard')
    await click(page, page.locator(`main a[href="${conference}"]`).first())
    await checkAccessibility(page, 'conference task list, for the chair')
    await click(page, page.getByRole('link', { name: "The chair's meetings with parents", exact: true }))
    await checkAccessibility(page, "task: the chair's meetings with parents")
    await (await field(page, 'pre-meeting-adult_id', 'Parent or carer')).selectOption({ index: 1 })
    await pressButton(page, 'Record the pre-meeting')
    assert.match(await mainText(page), /pre-meeting has been recorded/)
    await click(page, page.getByRole('link', { name: "Back to the conference's tasks" }).first())
    await click(page, page.getByRole('link', { name: 'The meeting', exact: true }))
    await checkAccessibility(page, 'meeting page, before the start')
    await pressButton(page, 'Start the conference')
    assert.match(await mainText(page), /has started/)
    await checkAccessibility(page, 'meeting task list, in progress')
    // The meeting is a task list too (issue 11): every task the chair may open is its own
    // accessible page with its form only.
    const meetingTasks = await page.locator('ul.govuk-task-list a.govuk-task-list__link').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]))
    assert.ok(meetingTasks.length >= 8, `the chair's meeting tasks: ${JSON.stringify(meetingTasks)}`)
    for (const [href, name] of meetingTasks) {
      await page.goto(href)
      await checkAccessibility(page, `meeting task page ${name}`)
      assert.equal(await page.locator('h1').count(), 1)
    }
    await page.goto(`${conference}/meeting`)
    await click(page, page.getByRole('link', { name: 'Discussion points', exact: true }))
    await (await field(page, 'discussion-heading', 'Heading')).selectOption('worries')
    await (await field(page, 'discussion-text', 'What was said')).fill('The school reports that the children arrive hungry.')
    await pressButton(page, 'Add to the discussion')
    assert.equal(pathOf(page), `${conference}/meeting/discussion?done=discussion`, 'on the task page, for the next point')
    assert.match(await page.locator('#recorded + .confer-table-scroll table').innerText(), /arrive hungry/)
    await click(page, page.getByRole('link', { name: "Back to the meeting's tasks" }).first())
    assert.match(await page.locator('#task-discussion-status').innerText(), /In progress/)
    await click(page, page.getByRole('link', { name: 'The decision for each child', exact: true }))
    await (await field(page, 'decision-child_id', 'Child')).selectOption({ index: 1 })
    await page.getByLabel('A child in need plan', { exact: true }).check()
    await pressButton(page, 'Record the decision')
    if (await page.locator('.govuk-error-summary').isVisible()) {
      // INV-03: without a quorum the chair records why they decide anyway (policy allows).
      await checkAccessibility(page, 'meeting decisions page, decision refused')
      assert.equal(await page.locator('#decision-child_id').inputValue() !== '', true, 'the child chosen is kept')
      await page.getByLabel('A child in need plan', { exact: true }).check()
      await (await field(page, 'decision-inquorate_reason', 'not quorate')).fill('Professionals sent reports; the family attended.')
      await pressButton(page, 'Record the decision')
    }
    assert.match(await mainText(page), /decision has been recorded/)
    assert.match(await page.locator('#decisions + dl').innerText(), /A child in need plan/)
    await checkAccessibility(page, 'meeting decisions page, decided')
    await page.goto(`${conference}/meeting`)
    await click(page, page.getByRole('link', { name: 'Next review date and close', exact: true }))
    await checkAccessibility(page, 'meeting task page: close')
    await pressButton(page, 'Close the conference')
    assert.match(await mainText(page), /conference is closed/)
    assert.equal(pathOf(page), `${conference}/meeting?done=close`)
    assert.match(await page.locator('#task-close-status').innerText(), /Completed/)
    await checkAccessibility(page, 'meeting task list, closed')
    await signOut(page)
    assert.deepEqual(page.problems, [])
    await page.close()
  })
})
