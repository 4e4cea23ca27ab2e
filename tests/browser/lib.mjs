// confer's browser-test harness: starts the real `confer demo` server, drives
// Debian's Chromium through playwright-core (which downloads nothing), signs
// demo users in with a TOTP code computed here, and checks every page with
// axe-core. Journeys import what they need:
//
//   import { startServer, launchBrowser, newPage, signIn, totp,
//            checkAccessibility } from './lib.mjs'
//
// Environment:
//   CONFER_BIN               the confer binary (default target/debug/confer,
//                            relative to the repository root)
//   CHROMIUM_BIN             the browser (default /usr/bin/chromium)
//   CONFER_START_TIMEOUT_MS  how long to wait for /healthz (default 60000)
//   CONFER_KEEP_TMP=1        keep the server's temporary directory

import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const DEMO_ROLES = [
  'chair',
  'coordinator',
  'note-taker',
  'social-worker',
  'team-manager',
  'quality-assurance',
  'auditor',
  'administrator',
]

// The contract with `confer demo`: one line per role, exactly this shape.
const DEMO_USER_LINE =
  /^demo-user role=(\S+) username=(\S+) password=(\S+) totp-secret=([A-Z2-7]+=*)$/

/** Parses the `demo-user …` lines out of the server's stdout. */
export function parseDemoUsers (stdout) {
  const users = new Map()
  for (const line of stdout.split(/\r?\n/)) {
    const m = DEMO_USER_LINE.exec(line.trim())
    if (m) {
      users.set(m[1], { role: m[1], username: m[2], password: m[3], totpSecret: m[4] })
    }
  }
  return users
}

function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const running = new Set()
process.on('exit', () => {
  // Last resort (e.g. an uncaught error): never leave a server behind.
  for (const child of running) {
    try { child.kill('SIGKILL') } catch {}
  }
})

function tail (text, lines = 60) {
  const all = text.trimEnd().split('\n')
  return all.slice(-lines).join('\n') || '(nothing)'
}

/**
 * Starts `$CONFER_BIN demo` on a free loopback port with a fresh SQLite
 * database, waits for GET /healthz to answer 200 and for the demo users to be
 * printed. Returns { baseUrl, users (Map role -> user), user(role), stdout(),
 * stderr(), stop() }. Always call stop() (in a finally or an `after` hook).
 */
export async function startServer ({ timeoutMs, today } = {}) {
  timeoutMs ??= Number(process.env.CONFER_START_TIMEOUT_MS || 60000)
  const bin = path.resolve(repoRoot, process.env.CONFER_BIN || 'target/debug/confer')
  const port = await freePort()
  const addr = `127.0.0.1:${port}`
  const baseUrl = `http://${addr}`
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'confer-browser-'))
  const args = ['demo', '--addr', addr, '--database-url', `sqlite://${tmp}/confer.db`]
  // Run as if today were this date (YYYY-MM-DD), for journeys that need a working day.
  if (today) args.push('--today', today)

  let out = ''
  let err = ''
  let exited = null
  const child = spawn(bin, args, {
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  running.add(child)
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d })
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d })
  const exitedPromise = new Promise((resolve) => {
    child.on('error', (e) => { exited = { error: e }; resolve() })
    child.on('exit', (code, signal) => { exited ??= { code, signal }; running.delete(child); resolve() })
  })

  const describeFailure = (why) =>
    `${why}\ncommand: ${bin} ${args.join(' ')}\n` +
    `--- server stderr (last lines) ---\n${tail(err)}\n` +
    `--- server stdout (last lines) ---\n${tail(out)}`

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exitedPromise
      clearTimeout(killer)
    }
    running.delete(child)
    if (process.env.CONFER_KEEP_TMP !== '1') rmSync(tmp, { recursive: true, force: true })
  }

  const deadline = Date.now() + timeoutMs
  let healthy = false
  let users = new Map()
  try {
    while (true) {
      if (exited) {
        const how = exited.error
          ? `could not be started: ${exited.error.message}`
          : `exited early (code ${exited.code}, signal ${exited.signal})`
        throw new Error(describeFailure(`confer demo ${how}`))
      }
      if (!healthy) {
        try {
          const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })
          healthy = res.status === 200
          await res.arrayBuffer().catch(() => {})
        } catch {}
      }
      users = parseDemoUsers(out)
      if (healthy && DEMO_ROLES.every((r) => users.has(r))) break
      if (Date.now() > deadline) {
        const missing = DEMO_ROLES.filter((r) => !users.has(r))
        throw new Error(describeFailure(
          `confer demo was not ready within ${timeoutMs} ms: ` +
          (healthy ? '' : 'GET /healthz never answered 200; ') +
          (missing.length ? `no "demo-user role=… username=… password=… totp-secret=…" line for: ${missing.join(', ')}` : '')))
      }
      await sleep(200)
    }
  } catch (e) {
    await stop()
    throw e
  }

  return {
    baseUrl,
    users,
    user (role) {
      const u = users.get(role)
      if (!u) throw new Error(`no demo user for role ${role}`)
      return u
    },
    stdout: () => out,
    stderr: () => err,
    /** The server's working directory (its database, and the demo's e-mails in confer-data/mail). */
    tmpDir: tmp,
    stop,
  }
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * Launches Debian's Chromium (never a downloaded browser). Playwright gives
 * every launch a fresh temporary user-data-dir and deletes it on close.
 */
export async function launchBrowser () {
  const executablePath = process.env.CHROMIUM_BIN || '/usr/bin/chromium'
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60000 })
  } catch (e) {
    throw new Error(`could not launch ${executablePath} (install Debian's chromium: apt-get install chromium chromium-driver): ${e.message}`)
  }
}

/**
 * A new page in a fresh context (no cookies) whose relative URLs resolve
 * against the server. The page records console errors, page errors, CSP
 * violations and failed or 4xx/5xx sub-resource requests in page.problems.
 * contextOptions go to browser.newContext (e.g. { javaScriptEnabled: false }).
 */
export async function newPage (browser, server, contextOptions = {}) {
  const context = await browser.newContext({ baseURL: server.baseUrl, ...contextOptions })
  context.setDefaultTimeout(15000)
  const page = await context.newPage()
  page.problems = []
  // The URLs the page navigated to (documents), whatever their status.
  const documents = new Set()
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    // A refused form's page answers 422 (or 409/403), as the API does for the same error, and
    // Chromium logs that status of the document itself as a console error. A 4xx of anything
    // else the page loads is still caught below ('response'), so only the document's is skipped.
    const loc = msg.location()?.url
    const documentStatus = /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
    if (documentStatus && (documents.has(loc) || loc === page.url())) return
    page.problems.push(`console error on ${page.url()}: ${msg.text()}`)
  })
  page.on('pageerror', (e) => page.problems.push(`script error on ${page.url()}: ${e.message}`))
  page.on('requestfailed', (req) => {
    // A request still in flight when the page moves on (a favicon, when a test navigates at
    // once) is aborted by the browser: that is navigation, not a fault of the page.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return
    page.problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`)
  })
  page.on('response', (res) => {
    const req = res.request()
    if (req.resourceType() === 'document') documents.add(res.url())
    if (res.status() >= 400 && req.resourceType() !== 'document') {
      page.problems.push(`${res.status()} for ${req.resourceType()} ${req.method()} ${res.url()}`)
    }
  })
  return page
}

/** The path (and query) of the page's URL. */
export function pathOf (page) {
  const u = new URL(page.url())
  return u.pathname + u.search
}

// ---------------------------------------------------------------------------
// TOTP (RFC 6238 over RFC 4226): SHA-1, 6 digits, 30-second steps.

function base32Decode (text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  let bits = 0
  let value = 0
  const out = []
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch)
    if (idx < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The TOTP code for `secret` (base32) at `timeMs` (default now). */
export function totp (secret, timeMs = Date.now(), { step = 30, digits = 6 } = {}) {
  const counter = Math.floor(timeMs / 1000 / step)
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits
  return String(bin).padStart(digits, '0')
}

const lastStepUsed = new Map()

/**
 * A code that is fresh enough to submit: not in the last 3 seconds of its
 * step, and (in case the server refuses a code twice) not from a step this
 * process has already used for the same secret.
 */
export async function freshTotp (secret) {
  for (;;) {
    const now = Date.now()
    const step = Math.floor(now / 30000)
    const left = (step + 1) * 30000 - now
    if (left > 3000 && step > (lastStepUsed.get(secret) ?? -1)) {
      lastStepUsed.set(secret, step)
      return totp(secret, now)
    }
    await sleep(left + 50)
  }
}

// ---------------------------------------------------------------------------
// Forms

/**
 * The form field with id `id`, after checking that its label (accessible
 * name) matches `label` (a string: contained, case-insensitive; or a RegExp).
 */
export async function field (page, id, label) {
  const el = page.locator(`#${id}`)
  const re = label instanceof RegExp ? label : new RegExp(label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')
  const labelled = page.getByLabel(re)
  const ids = await labelled.evaluateAll((els) => els.map((e) => e.id))
  if (!ids.includes(id)) {
    throw new Error(`on ${pathOf(page)}: #${id} is not labelled ${re} (fields with such a label: ${JSON.stringify(ids)})`)
  }
  return el
}

/** Clicks the button named `name` and waits for the next page to load. */
export async function pressButton (page, name) {
  const button = page.getByRole('button', { name, exact: true })
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ])
}

/**
 * Signs `user` in from wherever the page is: goes to /sign-in unless already
 * there, submits user name and password, then the current TOTP code.
 * Runs checkAccessibility on both sign-in pages unless { check: false }.
 * Leaves the page on whatever the server shows next (normally /).
 */
export async function signIn (page, user, { check = true } = {}) {
  if (new URL(page.url()).pathname !== '/sign-in') await page.goto('/sign-in')
  if (check) await checkAccessibility(page, 'sign-in')
  await (await field(page, 'username', 'User name')).fill(user.username)
  await (await field(page, 'password', /^password/i)).fill(user.password)
  await pressButton(page, 'Continue')
  if (new URL(page.url()).pathname !== '/sign-in/code') {
    throw new Error(`after the password, expected /sign-in/code but got ${pathOf(page)}: ${await mainText(page)}`)
  }
  if (check) await checkAccessibility(page, 'sign-in code')
  await (await field(page, 'code', /code/i)).fill(await freshTotp(user.totpSecret))
  await pressButton(page, 'Continue')
}

/** Clicks "Sign out" and waits for the next page. */
export async function signOut (page) {
  await pressButton(page, 'Sign out')
}

/** The page's main text, shortened, for error messages. */
export async function mainText (page) {
  const text = await page.locator('main').first().innerText({ timeout: 2000 })
    .catch(() => page.locator('body').innerText({ timeout: 2000 }).catch(() => ''))
  return text.replace(/\s+/g, ' ').trim().slice(0, 400)
}

// ---------------------------------------------------------------------------
// Accessibility

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * Runs axe-core on the page and throws listing every violation (rule id,
 * help, impact and the targets of each node). axe is injected through the
 * DevTools protocol (page.evaluate), which the page's Content-Security-Policy
 * does not govern, so the CSP stays in force for the page's own scripts.
 * Returns the axe results.
 */
export async function checkAccessibility (page, label = pathOf(page)) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object')
  if (!hasAxe) await page.evaluate(axeSource)
  const results = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      })),
      passes: r.passes.length,
    }
  }, AXE_TAGS)
  if (results.violations.length) {
    const lines = results.violations.map((v) =>
      `  - ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.map((n) => `      at ${n.target}${n.summary ? `\n        ${n.summary.replace(/\n/g, '\n        ')}` : ''}`).join('\n'))
    throw new Error(`axe-core: ${results.violations.length} accessibility violation(s) on "${label}" (${pathOf(page)}):\n${lines.join('\n')}`)
  }
  return results
}
