import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import * as root from '../../src/index.js'

// What each entry point exports is a decision: a name added to or dropped from the public API fails here first.

const repo = new URL('../..', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>
  tap: { 'node-arg': string[] }
  files: string[]
}

const ncco = [
  'AdvancedMachineDetectionSchema', 'AppEndpointSchema', 'ConnectSchema', 'ConversationSchema', 'DtmfSettingsSchema', 'EndpointSchema',
  'InputSchema', 'NccoActionSchema', 'NccoBuilder', 'NccoSchema', 'NccoValidationError', 'NotifySchema', 'PayPromptSchema', 'PaySchema',
  'PhoneEndpointSchema', 'RecordSchema', 'SipEndpointSchema', 'SpeechSettingsSchema', 'StreamSchema', 'TalkSchema', 'TranscriptionSchema',
  'TransferSchema', 'VbcEndpointSchema', 'WaitSchema', 'WebsocketEndpointSchema', 'app', 'connect', 'conversation', 'input', 'isConnect',
  'isConversation', 'isEndpoint', 'isInput', 'isNotify', 'isPay', 'isRecord', 'isStream', 'isTalk', 'isTransfer', 'isValidNcco', 'isWait',
  'ncco', 'notify', 'pay', 'phone', 'record', 'sip', 'stream', 'talk', 'transfer', 'validateNcco', 'vbc', 'wait', 'websocket',
]
const webhooks = [
  'AnswerWebhookSchema', 'CallEventWebhookSchema', 'CallStatusWebhookSchema', 'DtmfDigitsSchema', 'DtmfResultSchema', 'ErrorWebhookSchema',
  'FallbackWebhookSchema', 'InputWebhookSchema', 'NormalizedAnswerSchema', 'NormalizedCallEventSchema', 'NormalizedCallStatusSchema',
  'NormalizedDtmfSchema', 'NormalizedErrorSchema', 'NormalizedFallbackSchema', 'NormalizedInputSchema', 'NormalizedNotifySchema',
  'NormalizedRecordSchema', 'NormalizedSpeechResultSchema', 'NormalizedSpeechSchema', 'NormalizedTranscribedSchema', 'NormalizedTransferSchema',
  'NotifyWebhookSchema', 'OriginalRequestSchema', 'RecordWebhookSchema', 'SpeechResultSchema', 'SpeechSchema', 'TranscribedWebhookSchema',
  'TransferWebhookSchema', 'WebhookIssueSchema', 'callStatusDetails', 'callStatuses', 'classifyWebhook', 'decodeWebhook', 'endpointTypes',
  'fallbackOriginalPayload', 'fallbackReasons', 'isAnswerWebhook', 'isCallEventWebhook', 'isErrorWebhook', 'isFallbackWebhook',
  'isInputWebhook', 'isNotifyWebhook', 'isRecordWebhook', 'isTranscribed', 'isTransferWebhook', 'normalizeAnswer', 'normalizeCallEvent',
  'normalizeError', 'normalizeFallback', 'normalizeInput', 'normalizeNotify', 'normalizeRecord', 'normalizeTransfer', 'parseEvent',
  'parseWebhook', 'speechTimeoutReasons', 'webhookSchemas',
  'NormalizedPaymentSchema', 'PaymentWebhookSchema', 'isPaymentWebhook', 'normalizePayment', 'paymentStatuses',
  'connectFailureStatuses', 'isConnectFailure', 'isTerminalStatus', 'terminalStatuses',
]
const testing = ['simulateCall']
const flowsAndServer = [
  'Flow', 'FlowBuilder', 'FlowDefinitionError', 'StepBuilder', 'StoreArgumentError', 'StoreConflictError', 'StoreUnavailableError', 'buildServer', 'createMemoryStore', 'createRedisStore', 'errors',
  'flow', 'flowToMermaid', 'isFlow', 'isNccoflowError', 'nccoflow', 'toFlowDefinition',
]
const sorted = (names: readonly string[]) => [...names].sort()

t.test('each subpath exports its part, by name; `nccoflow` exports them all plus flows, the server, stores and errors', async (t) => {
  t.strictSame(sorted(Object.keys(await import('nccoflow/ncco'))), sorted(ncco))
  t.strictSame(sorted(Object.keys(await import('nccoflow/webhooks'))), sorted(webhooks))
  t.strictSame(sorted(Object.keys(await import('nccoflow/testing'))), sorted(testing))
  t.strictSame(sorted(Object.keys(await import('nccoflow'))), sorted([...ncco, ...webhooks, ...testing, ...flowsAndServer]))
})

t.test('in the repository `nccoflow` resolves to the source, the same modules the tests import', async (t) => {
  const byName = await import('nccoflow')
  t.equal(byName.flow, root.flow)
  t.equal(byName.simulateCall, (await import('nccoflow/testing')).simulateCall)
})

t.test('every subpath maps the source condition, then types and JavaScript built from the same file', async (t) => {
  const { './package.json': manifest, ...entries } = pkg.exports
  t.equal(manifest, './package.json')
  t.strictSame(Object.keys(entries), ['.', './ncco', './webhooks', './testing'])
  for (const [subpath, target] of Object.entries(entries)) {
    if (typeof target === 'string') throw new Error(`${subpath}: expected conditions`)
    t.strictSame(Object.keys(target), ['nccoflow-source', 'types', 'default'], `${subpath}: the source condition comes first`)
    const source = target['nccoflow-source'] ?? ''
    t.ok(existsSync(join(repo, source)), `${subpath}: ${source} exists`)
    const built = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '')
    t.strictSame([target.types, target.default], [`${built}.d.ts`, `${built}.js`], `${subpath}: built from ${source}`)
  }
  const tsconfig = JSON.parse(readFileSync(join(repo, 'tsconfig.json'), 'utf8')) as { compilerOptions: { customConditions: string[] } }
  t.strictSame(tsconfig.compilerOptions.customConditions, ['nccoflow-source'], 'tsc resolves the source')
  t.ok(pkg.tap['node-arg'].includes('--conditions=nccoflow-source'), 'tap resolves the source')
  t.strictSame(pkg.files, ['dist', 'bin', 'docs'])
})

t.test('docs/install.md names every subpath', async (t) => {
  const doc = readFileSync(join(repo, 'docs', 'install.md'), 'utf8')
  for (const subpath of Object.keys(pkg.exports).filter((s) => s !== './package.json')) {
    t.match(doc, `\`${subpath === '.' ? 'nccoflow' : `nccoflow/${subpath.slice(2)}`}\``, `${subpath} is documented`)
  }
})
