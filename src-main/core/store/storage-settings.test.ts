import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InspectorError } from '../../shared/errors'
import { MAX_RETENTION_ENDPOINT_CAPS } from '../../shared/storage-settings'
import { makeTempDir } from '../../test-support/temp-dir'
import { startInspector, type Inspector } from '../inspector'
import { silentLogger } from '../logger'

let dir: string
let remove: () => Promise<void>
let inspector: Inspector | undefined

beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir())
})

afterEach(async () => {
  await inspector?.stop()
  inspector = undefined
  await remove()
})

const start = async (): Promise<Inspector> => {
  inspector = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
  return inspector
}

/** The per-endpoint caps saved in the settings file. */
const savedPerEndpoint = async (): Promise<Record<string, unknown> | undefined> =>
  (JSON.parse(await readFile(join(dir, 'inspector.json'), 'utf8')) as { storage?: { retention: { perEndpoint?: Record<string, unknown> } } }).storage?.retention
    .perEndpoint

/** The refusal `promise` ends with (it must be one). */
async function refusal(promise: Promise<unknown>): Promise<InspectorError> {
  const error: unknown = await promise.then(
    () => null,
    (failure: unknown) => failure,
  )
  if (!(error instanceof InspectorError)) throw new Error(`expected an InspectorError, got ${String(error)}`)
  return error
}

describe('storage settings: per-endpoint retention caps', () => {
  it('refuses caps for endpoints that do not exist, naming the first ones, and saves nothing', async () => {
    const app = await start()
    const [endpoint] = await app.procedures.listEndpoints({})
    const caps = { maxCaptures: 5 }
    const one = await refusal(app.procedures.setStorageSettings({ retention: { perEndpoint: { [endpoint!.id]: caps, 'no-such-endpoint': caps } } }))
    expect(one.code).toBe('BAD_REQUEST')
    expect(one.message).toBe('retention.perEndpoint: no endpoint with id "no-such-endpoint" (caps are set per existing endpoint; see listEndpoints)')
    // Many unknown ids: the first 10 named, the rest counted.
    const perEndpoint = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`gone-${index}`, caps]))
    const many = await refusal(app.procedures.setStorageSettings({ retention: { perEndpoint } }))
    expect(many.message).toContain(`"gone-0", "gone-1", "gone-2", "gone-3", "gone-4", "gone-5", "gone-6", "gone-7", "gone-8", "gone-9", and 15 more (`)
    expect(many.message).not.toContain('gone-10')
    expect((await app.procedures.getStorageSettings({})).retention).toEqual({})
    await app.procedures.setStorageSettings({ retention: { perEndpoint: { [endpoint!.id]: caps } } })
    expect(await savedPerEndpoint()).toEqual({ [endpoint!.id]: caps })
  })

  it('refuses more caps than the limit, whatever their ids', async () => {
    const app = await start()
    const perEndpoint = Object.fromEntries(Array.from({ length: MAX_RETENTION_ENDPOINT_CAPS + 1 }, (_, index) => [`e${index}`, { maxAgeDays: 1 }]))
    const error = await refusal(app.procedures.setStorageSettings({ retention: { perEndpoint } }))
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toBe(`retention.perEndpoint holds caps for 10,001 endpoints; at most 10,000`)
    expect(await savedPerEndpoint()).toBeUndefined()
  })

  it('drops an endpoint’s caps when the endpoint is deleted, in memory and in the file', async () => {
    const app = await start()
    const [kept] = await app.procedures.listEndpoints({})
    const doomed = await app.procedures.createEndpoint({ name: 'Busy test' })
    await app.procedures.setStorageSettings({
      durability: 'flush',
      retention: { maxCaptures: 100, perEndpoint: { [kept!.id]: { maxCaptures: 10 }, [doomed.id]: { maxAgeDays: 2 } } },
    })
    await app.procedures.deleteEndpoint({ id: doomed.id })
    const expected = { maxCaptures: 100, perEndpoint: { [kept!.id]: { maxCaptures: 10 } } }
    expect((await app.procedures.getStorageSettings({})).retention).toEqual(expected)
    expect(await savedPerEndpoint()).toEqual(expected.perEndpoint)
    // The Storage dialog sends back what it was shown: accepted.
    await app.procedures.setStorageSettings({ retention: (await app.procedures.getStorageSettings({})).retention })
    await app.stop()
    const again = await start()
    expect(await again.procedures.getStorageSettings({})).toMatchObject({ durability: 'flush', retention: expected })
  })

  it('leaves out the caps of endpoints deleted before caps went with them, so saving what is shown works', async () => {
    let app = await start()
    const [endpoint] = await app.procedures.listEndpoints({})
    await app.procedures.setStorageSettings({ retention: { perEndpoint: { [endpoint!.id]: { maxCaptures: 3 } } } })
    await app.stop()
    // A file written by an earlier version: the caps of an endpoint deleted since are still there.
    const file = join(dir, 'inspector.json')
    const document = JSON.parse(await readFile(file, 'utf8')) as { storage: { retention: { perEndpoint: Record<string, unknown> } } }
    document.storage.retention.perEndpoint['deleted-long-ago'] = { maxAgeDays: 1 }
    await writeFile(file, JSON.stringify(document))
    app = await start()
    const shown = (await app.procedures.getStorageSettings({})).retention
    expect(shown).toEqual({ perEndpoint: { [endpoint!.id]: { maxCaptures: 3 } } })
    await app.procedures.setStorageSettings({ retention: shown })
    expect(await savedPerEndpoint()).toEqual({ [endpoint!.id]: { maxCaptures: 3 } })
    // A change of durability alone keeps the policy shown, not the stale caps.
    document.storage.retention.perEndpoint['deleted-long-ago'] = { maxAgeDays: 1 }
    await app.stop()
    await writeFile(file, JSON.stringify(document))
    app = await start()
    await app.procedures.setStorageSettings({ durability: 'flush' })
    expect(await savedPerEndpoint()).toEqual({ [endpoint!.id]: { maxCaptures: 3 } })
  })
})
