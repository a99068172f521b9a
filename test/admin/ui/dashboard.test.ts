// Issue 10, the dashboard in a real browser (Debian's Chromium driven by playwright-core, the server on a real port):
// sign in, place a simulated call with the keypad, see the step change live, open the call, replay a webhook.
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { ADMIN_TOKEN, needChromium, startDashboard } from '../../fixtures/browser.js'

t.setTimeout(120_000)

/** Fails the test on any script error or console error of the page (a CSP refusal is one). */
function watch(t: Test, page: Page, name: string): void {
  page.on('pageerror', (error) => t.fail(`${name}: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') t.fail(`${name} console: ${message.text()}`)
  })
}

if (needChromium(t)) {
  const dashboard = await startDashboard()
  t.teardown(() => dashboard.close())

  t.test('sign in, call with the keypad, the step changes live in the list, open the call, replay a webhook', async (t) => {
    const context = await dashboard.browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    watch(t, page, 'simulator page')

    // The page itself needs no token: the API's 401 brings up the sign-in form.
    await page.goto(dashboard.url)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
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

    // The keypad by keyboard: focus the 1 and press Enter (the menu takes one key, so it is sent at once).
    await page.locator('.keypad button[data-key="1"]').focus()
    await page.keyboard.press('Enter')
    await page.getByText('Connecting you to sales.').waitFor()
    t.equal(await page.locator('#sim-step').textContent(), 'sales')
    t.equal(await page.locator('#sim-waiting').textContent(), 'connect')
    t.equal(await page.locator('.keypad button[data-key="2"]').isDisabled(), true, 'no keys at a connect')
    await row.filter({ hasText: 'sales' }).waitFor()
    t.match(await row.textContent(), /ivr-menu\s*sales\s*447700900123/)

    // The connect fails: voicemail, goodbye, and the call ends.
    await page.getByLabel('The connect ends').selectOption('busy')
    await page.getByRole('button', { name: 'Fail the connect' }).click()
    await page.getByText('The call has ended.').waitFor()
    t.equal(await page.locator('#sim-step').textContent(), 'goodbye')
    await row.filter({ hasText: 'ended' }).waitFor()

    // The inspector: the timeline, the diagram with the path, and a replay of the key press.
    await page.getByRole('link', { name: 'Open this call in the inspector' }).click()
    await page.getByRole('heading', { name: /^Call / }).waitFor()
    const hooks = page.locator('.timeline > li')
    t.ok(await hooks.count() >= 3, 'answer, input, connect, ...')
    await page.locator('.diagram svg').waitFor()
    t.match(await page.locator('.diagram figcaption').textContent(), /current step: goodbye; passed: menu, sales/)
    const input = hooks.filter({ hasText: '/flows/ivr-menu/menu/input' }).first()
    await input.getByRole('button', { name: /^Replay #/ }).click()
    await input.getByText('Today\'s flow answers the same.').waitFor()
    t.match(await input.locator('.replay').textContent(), /then.*now/s)
  })
}
