// `npm run screenshots`: a picture of each dashboard page in docs/images/, taken in Debian's Chromium against the
// example flows, after one simulated call (1 for sales, a busy line, voicemail). Not part of the test run.
import { fileURLToPath } from 'node:url'
import { ADMIN_TOKEN, startDashboard } from '../test/fixtures/browser.js'

const images = fileURLToPath(new URL('../docs/images/', import.meta.url))
const dashboard = await startDashboard({ publicUrl: 'https://ivr.example.com' })
try {
  const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 860 } })
  const shoot = (name: string, fullPage = false) => page.screenshot({ path: `${images}dashboard-${name}.png`, fullPage })

  await page.goto(dashboard.url)
  await page.getByLabel('Admin token (ADMIN_TOKEN)').waitFor()
  await shoot('sign-in')
  await page.getByLabel('Admin token (ADMIN_TOKEN)').fill(ADMIN_TOKEN)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Calls' }).waitFor()

  // One call that ended, and one still at the menu, for the list.
  await page.goto(`${dashboard.url}#/simulator`)
  await page.getByLabel('Flow').selectOption('survey')
  await page.getByRole('button', { name: 'Call', exact: true }).click()
  await page.locator('#sim-step').filter({ hasText: /\w/ }).waitFor()
  await page.getByLabel('Flow').selectOption('ivr-menu')
  await page.getByRole('button', { name: 'Call', exact: true }).click()
  await page.getByText('Welcome to Acme.', { exact: false }).waitFor()
  await page.locator('.keypad button[data-key="1"]').click()
  await page.getByText('Connecting you to sales.').waitFor()
  await shoot('simulator')
  await page.getByLabel('The connect ends').selectOption('busy')
  await page.getByRole('button', { name: 'Fail the connect' }).click()
  await page.getByText('The call has ended.').waitFor()

  await page.getByRole('link', { name: 'Open this call in the inspector' }).click()
  await page.locator('.diagram svg').waitFor()
  const input = page.locator('.timeline > li').filter({ hasText: '/flows/ivr-menu/menu/input' }).first()
  await input.locator('summary').first().click()
  await input.getByRole('button', { name: /^Replay #/ }).click()
  await input.getByText('Today\'s flow answers the same.').waitFor()
  await shoot('call', true)

  await page.getByRole('link', { name: 'Calls' }).click()
  await page.locator('tbody tr').nth(1).waitFor()
  await shoot('calls')

  await page.getByRole('link', { name: 'Flows' }).click()
  await page.locator('.diagram svg').first().waitFor()
  await page.locator('.step-ncco pre').first().waitFor()
  await shoot('flows')
  process.stdout.write(`screenshots written to ${images}\n`)
} finally {
  await dashboard.close()
}
