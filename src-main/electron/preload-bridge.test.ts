/**
 * The preload (src-main/preload/index.ts; its folder's import rules keep tests out of it) as the sandboxed window gets it, run against a stand-in for `electron`: it exposes
 * exactly two functions on `window.inspector`, calls go to the invoke channel only, events arrive
 * one by one from the main process's batches, and the returned function unsubscribes.
 */
import type { EventEmitter } from 'node:events'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNEL, INVOKE_CHANNEL, type InspectorBridge } from '../shared/ipc-channels'

const given = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  renderer: null as (EventEmitter & { invoke(...args: unknown[]): Promise<unknown> }) | null,
}))

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: (...args: unknown[]) => {
      given.invoked.push(args)
      return Promise.resolve({ ok: true, value: 'answer' })
    },
  })
  given.renderer = ipcRenderer
  return { contextBridge: { exposeInMainWorld: (key: string, value: unknown) => given.exposed.set(key, value) }, ipcRenderer }
})

let bridge: InspectorBridge

beforeAll(async () => {
  await import('../preload/index')
  bridge = given.exposed.get('inspector') as InspectorBridge
})

describe('the preload bridge', () => {
  it('exposes only window.inspector, with invoke and onEvent', () => {
    expect([...given.exposed.keys()]).toEqual(['inspector'])
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent'])
  })

  it('sends a call on the invoke channel, with nothing else', async () => {
    expect(await bridge.invoke('listEndpoints', { a: 1 })).toEqual({ ok: true, value: 'answer' })
    expect(given.invoked).toEqual([[INVOKE_CHANNEL, 'listEndpoints', { a: 1 }]])
  })

  it('hands batched events over one by one, ignores anything that is not a batch, and unsubscribes', () => {
    const received: unknown[] = []
    const unsubscribe = bridge.onEvent((event) => received.push(event))
    const ipc = given.renderer!
    ipc.emit(EVENT_CHANNEL, {}, [{ type: 'endpoints-changed' }, { type: 'storage-recovered', at: 'now' }])
    ipc.emit(EVENT_CHANNEL, {}, { type: 'endpoints-changed' })
    ipc.emit('another-channel', {}, [{ type: 'endpoints-changed' }])
    expect(received).toEqual([{ type: 'endpoints-changed' }, { type: 'storage-recovered', at: 'now' }])
    unsubscribe()
    ipc.emit(EVENT_CHANNEL, {}, [{ type: 'endpoints-changed' }])
    expect(received).toHaveLength(2)
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(0)
  })
})
