/**
 * Exporting an endpoint that holds a capture damaged on disk (a flipped bit in its body): the
 * damaged capture's bytes are never exported, and the others still are.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

test('an endpoint export leaves a damaged capture out and lists it; that capture alone is refused', async ({ app, dataDir }) => {
  let inspector = await app.start()
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Damaged' })
  for (const name of ['first', 'DAMAGE-ME', 'third']) {
    expect((await send(`${endpoint.url}/${name}`, { headers: [['Content-Type', 'text/plain']], body: `body of ${name}` })).status).toBe(200)
  }
  const damagedId = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items.find((item) => item.target.endsWith('/DAMAGE-ME'))!.id
  await app.stop()

  // Flip one bit of that capture's body in the capture log, as a failing disk would.
  const logFile = join(dataDir, 'captures', '000001.log')
  const log = await readFile(logFile)
  const at = log.indexOf('body of DAMAGE-ME')
  expect(at).toBeGreaterThan(0)
  log[at] = log[at]! ^ 0x01
  await writeFile(logFile, log)

  inspector = await app.start()
  for (const format of ['bundle', 'har', 'http', 'curl'] as const) {
    const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format })
    const file = exportedFile(exported).toString('latin1')
    // Targets are written as text in every format (bodies are base64 in a bundle).
    expect(file, format).toContain('/first')
    expect(file, format).toContain('/third')
    expect(file, format).not.toContain('DAMAGE-ME')
    expect(exported.redactions, format).toEqual([
      { capture: null, location: `capture ${damagedId}`, action: expect.stringMatching(/^left out: it is damaged on disk \(.*sha256.*\)/) as unknown },
    ])
  }
  // Exported alone there is nothing to write: refused, saying why.
  await expect(inspector.procedures.exportCaptures({ captureIds: [damagedId], format: 'bundle' })).rejects.toMatchObject({ code: 'CONFLICT' })
})
