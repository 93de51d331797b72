/**
 * Headless entry: the same inspector core as the desktop app, with the API and the built renderer
 * served over HTTP on 127.0.0.1. Used by `npm run serve`, by `npm start` where Electron cannot
 * start, by CI and by every end-to-end test.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDispatch } from '../api/dispatch'
import { createHttpApi } from '../api/http-api'
import { LOOPBACK_HOST, startInspector } from '../core/inspector'
import { capConnections } from '../core/receiver/connection-budget'
import { createAppLogger } from '../core/logger'
import { answerClientError } from './client-error'
import { prepareDataDir } from './data-dir'
import { parseFlags, USAGE } from './flags'
import { loopbackAccess } from './loopback-access'
import { createStaticUi } from './static-ui'
import { startFailureMessage } from './start-failure'
import { APP_VERSION } from '../shared/version'

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  if ('help' in flags) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if ('error' in flags) {
    process.stderr.write(`${flags.error}\n\n${USAGE}\n`)
    process.exitCode = 2
    return
  }
  // Before the logger and the core: a folder that cannot be made is said so, not waited on forever.
  await prepareDataDir(flags.dataDir)
  const logger = createAppLogger(flags.dataDir)
  // The tunnel client and hostile peers must never take the app down; log and carry on.
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { reason: String(reason) }))

  const inspector = await startInspector(
    { dataDir: flags.dataDir, receiverPort: flags.receiverPort, maxBodyBytes: flags.maxBodyBytes, durability: flags.durability, version: APP_VERSION },
    { logger },
  )
  const token = randomBytes(24).toString('base64url')
  let origin = ''
  const api = createHttpApi(
    {
      token,
      allowedOrigins: () => loopbackAccess(new URL(origin).port).origins,
      allowedHosts: () => loopbackAccess(new URL(origin).port).hosts,
    },
    { dispatch: createDispatch(inspector.procedures, logger), subscribe: (listener) => inspector.events.subscribe(listener) },
  )
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '../renderer')
  const ui = createStaticUi(rendererDir)
  const server = createServer((request, response) => {
    api(request, response)
      .then((handled) => (handled ? undefined : ui(request, response)))
      .catch((error: unknown) => {
        logger.error('API/UI server failed on a request', { error: String(error) })
        if (!response.headersSent) response.writeHead(500).end()
      })
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket as Socket))
  // Idle connections to it would otherwise take file descriptors without bound, and the receiver
  // and the capture files need them (a loopback page or script opening thousands).
  capConnections(server, 'api', { logger, now: () => new Date(), idleCloseSeconds: server.headersTimeout / 1000 })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(flags.port, LOOPBACK_HOST, () => resolve())
  })
  origin = `http://${LOOPBACK_HOST}:${(server.address() as AddressInfo).port}`

  const ready = { ui: `${origin}/#token=${token}`, api: `${origin}/api`, receiver: inspector.receiverUrl, token, dataDir: flags.dataDir, pid: process.pid }
  if (flags.json) process.stdout.write(`${JSON.stringify(ready)}\n`)
  else {
    process.stdout.write(
      [
        'Callback Inspector is running (headless).',
        `  Open the UI:      ${ready.ui}`,
        `  Send callbacks:   ${ready.receiver}/<endpoint-slug>   (default endpoint: ${ready.receiver}/default)`,
        `  Scripting API:    ${ready.api}   (Authorization: Bearer ${token})`,
        `  Data folder:      ${ready.dataDir}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    )
  }

  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    server.closeAllConnections()
    server.close()
    await inspector.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`${startFailureMessage(error)}\n`)
  process.exit(1)
})
