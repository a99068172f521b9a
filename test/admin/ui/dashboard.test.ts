// Issue 10, the dashboard in a real browser (Debian's Chromium driven by playwright-core, the server on a real port):
// sign in, place a simulated call with the keypad, see the step change live in the list and on the call's page, replay
// a webhook (then/now), and the flows' diagrams drawn by Mermaid. With SCREENSHOTS=1 (`npm run screenshots`) it also
// writes a picture of each page to docs/images/.
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import menu from '../../../flows/ivr-menu.js'
import survey from '../../../flows/survey.js'
import { flow } from '../../../src/dsl/flow.js'
import { ADMIN_TOKEN, needChromium, startDashboard } from '../../fixtures/browser.js'

t.setTimeout(120_000)

/** Steps Mermaid does not read as ids: `on-hold` is drawn as on_hold, `end` (a word of its own) as end_. */
const holdLine = flow('hold-line').steps({
  'on-hold': (s) => s
    .talk('Please hold, or press 1 to leave.', { bargeIn: true })
    .input({ type: ['dtmf'], dtmf: { maxDigits: 1 } })
    .on({ dtmf: '1' }, 'end')
    .otherwise('on-hold'),
  end: (s) => s.talk('Goodbye.'),
})

const IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url))
const VIEWPORT = { width: 1200, height: 800 }

/** Writes `docs/images/dashboard-<name>.png` (the viewport, or the whole page) when SCREENSHOTS=1; does nothing otherwise. */
async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return
  // Let Mermaid and the focus ring settle.
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${IMAGES}dashboard-${name}.png`, fullPage })
}

/**
 * Fails the test on any script error or console error of the page (a CSP refusal, a Mermaid error), but for the
 * browser's note of a 401: the page asks the API and gets 401 before it signs in, by design.
 */
function watch(t: Test, page: Page, name: string): void {
  page.on('pageerror', (error) => t.fail(`${name}: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) t.fail(`${name} console: ${message.text()}`)
  })
}

if (needChromium(t)) {
  const dashboard = await startDashboard({ publicUrl: 'https://ivr.example.com', flows: [menu, survey, holdLine] })
  t.teardown(() => dashboard.close())

  t.test('sign in, call with the keypad, the step changes live, open the call, replay a webhook', async (t) => {
    const context = await dashboard.browser.newContext({ viewport: VIEWPORT })
    t.teardown(() => context.close())
    const page = await context.newPage()
    watch(t, page, 'simulator page')

    // The page itself needs no token: the API's 401 brings up the sign-in form.
    await page.goto(dashboard.url)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await shoot(page, 'sign-in')
    await page.getByLabel('Admin token (ADMIN_TOKEN)').fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That is not the admin token.').waitFor()
    await page.getByLabel('Admin token (ADMIN_TOKEN)').fill(ADMIN_TOKEN)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Calls' }).waitFor()
    t.equal(await page.getByText('No calls yet.').isVisible(), true)

    // A second tab on the list (the cookie is the context's): the call shows up and moves on live, over SSE.
    const list = await context.newPage()
    watch(t, list, 'calls page')
    await list.goto(`${dashboard.url}#/calls`)
    await list.getByRole('heading', { name: 'Calls' }).waitFor()

    await page.getByRole('link', { name: 'Simulator' }).click()
    await page.getByRole('heading', { name: 'Simulator' }).waitFor()
    await page.getByLabel('Flow').selectOption('ivr-menu')
    await page.getByRole('button', { name: 'Call', exact: true }).click()
    await page.getByText('Welcome to Acme. For sales, press 1 or say sales.', { exact: false }).waitFor()
    t.equal(await page.locator('#sim-step').textContent(), 'menu')
    t.equal(await page.locator('#sim-waiting').textContent(), 'input')
    const row = list.locator('tbody tr')
    await row.filter({ hasText: 'menu' }).waitFor()
    t.equal(await row.count(), 1)
    t.match(await row.textContent(), /ivr-menu\s*menu\s*447700900123.*active/)

    // A third tab on the call's page while it waits at the menu; a replay of the answer stays open as the call goes on.
    const callPage = await context.newPage()
    watch(t, callPage, 'call page')
    await callPage.goto(`${dashboard.url}${await page.getByRole('link', { name: 'Open this call in the inspector' }).getAttribute('href')}`)
    await callPage.getByRole('heading', { name: /^Call / }).waitFor()
    const hooks = callPage.locator('.timeline > li')
    t.equal(await hooks.count(), 1, 'the answer')
    t.match(await hooks.first().locator('h3').textContent(), /^#0 answer GET \/flows\/ivr-menu\/answer$/)
    await callPage.locator('.diagram figcaption').filter({ hasText: 'current step: menu' }).waitFor()
    t.equal(await callPage.locator('.diagram svg .current').count(), 1, 'the current step is marked in the SVG')
    await hooks.first().getByRole('button', { name: 'Replay #0' }).click()
    await hooks.first().getByText('Today\'s flow answers the same.').waitFor()
    t.match(await hooks.first().locator('.replay').textContent(), /then · 200 · step menu.*now · 200 · step menu/s)

    // The keypad by keyboard: focus the 1 and press Enter (the menu takes one key, so it is sent at once).
    await page.locator('.keypad button[data-key="1"]').focus()
    await page.keyboard.press('Enter')
    await page.getByText('Connecting you to sales.').waitFor()
    t.equal(await page.locator('#sim-step').textContent(), 'sales')
    t.equal(await page.locator('#sim-waiting').textContent(), 'connect')
    t.equal(await page.locator('.keypad button[data-key="2"]').isDisabled(), true, 'no keys at a connect')
    await shoot(page, 'simulator')
    await row.filter({ hasText: 'sales' }).waitFor()
    t.match(await row.textContent(), /ivr-menu\s*sales\s*447700900123/)

    // The call's page follows: the step, the diagram, and the new webhook appended under the open replay.
    await callPage.locator('.facts .step').filter({ hasText: 'sales' }).waitFor()
    await hooks.nth(1).waitFor()
    t.match(await hooks.nth(1).locator('h3').textContent(), /^#1 input POST \/flows\/ivr-menu\/menu\/input$/)
    t.match(await hooks.nth(1).locator('.steps').textContent(), 'menu → sales')
    t.equal(await hooks.first().getByText('Today\'s flow answers the same.').isVisible(), true, 'the replay shown before stays')
    await callPage.locator('.diagram figcaption').filter({ hasText: 'current step: sales; passed: menu' }).waitFor()

    // The connect fails: voicemail, goodbye, and the call ends.
    await page.getByLabel('The connect ends').selectOption('busy')
    await page.getByRole('button', { name: 'Fail the connect' }).click()
    await page.getByText('The call has ended.').waitFor()
    t.equal(await page.locator('#sim-step').textContent(), 'goodbye')
    await row.filter({ hasText: 'ended' }).waitFor()
    await callPage.locator('.facts .step').filter({ hasText: 'goodbye' }).waitFor()

    // The inspector, from the simulator's link: the whole timeline, the path, and a replay of the key press.
    await page.getByRole('link', { name: 'Open this call in the inspector' }).click()
    await page.getByRole('heading', { name: /^Call / }).waitFor()
    const timeline = page.locator('.timeline > li')
    t.ok(await timeline.count() >= 3, 'answer, input, connect, ...')
    await page.locator('.diagram svg').waitFor()
    t.match(await page.locator('.diagram figcaption').textContent(), /current step: goodbye; passed: menu, sales/)
    const input = timeline.filter({ has: page.locator('h3', { hasText: 'POST /flows/ivr-menu/menu/input' }) })
    await input.getByRole('button', { name: /^Replay #/ }).click()
    await input.getByText('Today\'s flow answers the same.').waitFor()
    t.match(await input.locator('.replay').textContent(), /then · 200 · step sales.*now · 200 · step sales/s)
    await shoot(page, 'call', true)

    // A call of the survey still at its question, for the list; then the list with both, and the ended filter.
    await page.getByRole('link', { name: 'Simulator' }).click()
    await page.getByLabel('Flow').selectOption('survey')
    await page.getByRole('button', { name: 'Call', exact: true }).click()
    await page.locator('#sim-step').filter({ hasText: 'rating' }).waitFor()
    await page.getByRole('link', { name: 'Calls' }).click()
    await page.locator('tbody tr').nth(1).waitFor()
    t.match(await page.locator('tbody tr').first().textContent(), /survey\s*rating/, 'the most recently updated first')
    await shoot(page, 'calls')
    await page.getByLabel('ended').check()
    await page.locator('tbody tr').filter({ hasText: 'survey' }).waitFor({ state: 'detached' })
    t.equal(await page.locator('tbody tr').count(), 1, 'only the ended call')
  })

  t.test('flows: every diagram drawn as an SVG (the survey\'s step rating-again too), routes and NCCOs', async (t) => {
    const context = await dashboard.browser.newContext({ viewport: VIEWPORT })
    t.teardown(() => context.close())
    await context.request.post(`${dashboard.url}api/session`, { data: { token: ADMIN_TOKEN } })
    const page = await context.newPage()
    watch(t, page, 'flows page')
    await page.goto(`${dashboard.url}#/flows`)
    const survey = page.locator('#flow-survey')
    await survey.locator('.diagram svg').waitFor()
    await page.locator('#flow-ivr-menu .diagram svg').waitFor()
    t.equal(await page.getByText('Mermaid could not draw it').count(), 0)
    t.match(await survey.locator('.diagram svg').textContent(), /rating-again/, 'the step drawn under its own name')
    t.match(await survey.locator('table').textContent(), /\/flows\/survey\/rating\/input/)
    await survey.getByLabel('Step').selectOption('rating-again')
    await survey.locator('.step-ncco').getByText('Please press a key from 1 to 5.').waitFor()
    await page.locator('#flow-ivr-menu .step-ncco pre').waitFor()
    await survey.evaluate((article) => article.scrollIntoView())
    await shoot(page, 'flows')
  })

  t.test('a call of a flow whose steps are not Mermaid ids: the marks go on the ids the diagram declares', async (t) => {
    const context = await dashboard.browser.newContext({ viewport: VIEWPORT })
    t.teardown(() => context.close())
    await context.request.post(`${dashboard.url}api/session`, { data: { token: ADMIN_TOKEN } })
    const placed = await context.request.post(`${dashboard.url}api/simulator/calls`, { data: { flow: 'hold-line' } })
    const { uuid } = await placed.json() as { uuid: string }
    const page = await context.newPage()
    watch(t, page, 'hold-line call page')
    await page.goto(`${dashboard.url}#/calls/${uuid}`)
    await page.locator('.diagram figcaption').filter({ hasText: 'current step: on-hold' }).waitFor()
    t.equal(await page.locator('.diagram svg .current').textContent(), 'on-hold')
    // The call moves on while its page is open: `end` is drawn as end_.
    await context.request.post(`${dashboard.url}api/simulator/calls/${uuid}`, { data: { action: 'press', digits: '1' } })
    await page.locator('.diagram figcaption').filter({ hasText: 'current step: end; passed: on-hold' }).waitFor()
    t.equal(await page.locator('.diagram svg .current').textContent(), 'end')
    t.equal(await page.locator('.diagram svg .visited').textContent(), 'on-hold')
    t.equal(await page.getByText('Mermaid could not draw it').count(), 0)
  })
}
