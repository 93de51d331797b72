/**
 * Changes to stored captures while captures keep arriving: an endpoint cleared (with and without
 * its pins), selections deleted, captures pinned and noted, retention caps set and lifted, searches
 * run, some answers delayed, all at once against the built app. Then every capture listed must
 * read back the body its own sender sent (never another capture's), none damaged, and after a
 * kill -9 and a restart exactly the same captures must be there.
 */
import { Agent } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { postJson } from '../test-support/http-client'
import { startHeadless, type HeadlessProcess } from '../test-support/headless-process'
import { makeTempDir } from '../test-support/temp-dir'

const SENDERS = 12
const CHANGING_MS = 5_000

interface Listed {
  id: string
}

/** Every capture listed, each read whole: its sender's marker, and whether it was found damaged. */
async function readAll(app: HeadlessProcess): Promise<{ markers: string[]; strangers: string[]; damaged: string[] }> {
  const markers: string[] = []
  const strangers: string[] = []
  const damaged: string[] = []
  let cursor: string | null | undefined
  do {
    const page = await app.call<{ items: Listed[]; nextCursor: string | null }>('listCaptures', { limit: 1000, ...(cursor ? { cursor } : {}) })
    for (const { id } of page.items) {
      const detail = await app.call<{ request: { bodyBase64: string }; damage: unknown }>('getCapture', { id })
      if (detail.damage) damaged.push(id)
      const body = Buffer.from(detail.request.bodyBase64, 'base64').toString()
      const marker = /"marker":"([^"]+)"/.exec(body)?.[1]
      if (marker === undefined) strangers.push(`${id}: ${body.slice(0, 60)}`)
      else markers.push(marker)
    }
    cursor = page.nextCursor
  } while (cursor)
  return { markers: markers.sort(), strangers, damaged }
}

describe('changes while captures arrive', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('leave every listed capture with its own body, and the same captures after kill -9 and a restart', async () => {
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const app = await startHeadless(dir)
    cleanups.push(() => app.stop())
    const other = await app.call<{ id: string; slug: string }>('createEndpoint', { name: 'cleared', slug: 'cleared' })
    // Some answers wait, so deletions meet captures whose answers are still pending.
    await app.call('setAnswerConfig', {
      endpointId: other.id,
      config: { rules: [{ id: 'slow', name: 'slow', enabled: true, match: { bodyContains: 'slow' }, answer: { kind: 'respond', status: 200, delayMs: 200 } }] },
    })
    const agent = new Agent({ keepAlive: true, maxSockets: SENDERS })
    cleanups.push(async () => agent.destroy())

    const until = Date.now() + CHANGING_MS
    const sent = new Map<string, number>()
    let next = 0
    const sender = async (): Promise<void> => {
      while (Date.now() < until) {
        const n = next++
        const marker = `m${n}`
        const slug = n % 2 === 0 ? 'default' : other.slug
        const body = JSON.stringify({ marker, speed: n % 5 === 0 ? 'slow' : 'fast', amount: `${n}.50`, pad: 'x'.repeat((n % 40) * 25) })
        sent.set(marker, await postJson(new URL(`${app.ready.receiver}/${slug}/cb`), body, agent))
      }
    }
    const changes: string[] = []
    const changer = async (): Promise<void> => {
      for (let round = 0; Date.now() < until; round++) {
        const newest = await app.call<{ items: Listed[] }>('listCaptures', { limit: 30 })
        const ids = newest.items.map(({ id }) => id)
        switch (round % 6) {
          case 0:
            await app.call('clearEndpoint', { id: other.id, includePinned: round % 12 === 0 })
            break
          case 1:
            if (ids.length > 0) await app.call('deleteCaptures', { ids: ids.filter((_, index) => index % 3 === 0) })
            break
          case 2:
            // A capture deleted meanwhile is NOT_FOUND: that is an answer, not a failure of the store.
            for (const id of ids.slice(0, 4))
              await app.call('setCapturePinned', { id, pinned: round % 4 !== 0 }).catch((error: Error) => expect(error.message).toMatch(/no capture/))
            break
          case 3:
            for (const id of ids.slice(0, 3))
              await app.call('setCaptureNote', { id, note: `round ${round}` }).catch((error: Error) => expect(error.message).toMatch(/no capture/))
            break
          case 4:
            await app.call('setStorageSettings', { retention: round % 12 === 4 ? { maxCaptures: 300 } : {} })
            break
          default:
            await app.call('countCaptures', { filter: { text: 'slow' } })
        }
        changes.push(String(round % 6))
      }
    }
    await Promise.all([...Array.from({ length: SENDERS }, sender), changer()])
    await app.call('setStorageSettings', { retention: {} })

    expect([...sent.values()].every((status) => status === 200)).toBe(true)
    expect(new Set(changes).size).toBe(6)
    const before = await readAll(app)
    expect(before.strangers).toEqual([])
    expect(before.damaged).toEqual([])
    expect(before.markers.length).toBeGreaterThan(0)
    expect(new Set(before.markers).size).toBe(before.markers.length)
    for (const marker of before.markers) expect(sent.get(marker)).toBe(200)

    app.child.kill('SIGKILL')
    await new Promise((resolve) => app.child.once('exit', resolve))
    const restarted = await startHeadless(dir)
    cleanups.push(() => restarted.stop())
    const after = await readAll(restarted)
    expect(after.strangers).toEqual([])
    expect(after.damaged).toEqual([])
    expect(after.markers).toEqual(before.markers)
  }, 120_000)
})
