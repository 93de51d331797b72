/** The watch for a wake from sleep or a network change, on a clock, timers and addresses the test moves. */
import { describe, expect, it } from 'vitest'
import type os from 'node:os'
import { createNetworkWatch, NETWORK_CHECK_INTERVAL_MS, routableAddresses, SLEEP_GAP_MS } from './network-watch'

function setUp() {
  let now = 1_000_000
  /** `null`: listing them throws, as os.networkInterfaces() does in some sandboxes. */
  let addresses: string[] | null = ['IPv4 192.168.1.20', 'IPv6 fe80::1']
  let throwOnChange = false
  const timers = new Map<number, () => void>()
  let nextId = 1
  const changes: string[] = []
  const watch = createNetworkWatch({
    now: () => now,
    setTimeout(callback) {
      timers.set(nextId, callback)
      return nextId++
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    addresses: () => {
      if (addresses === null) throw new Error('uv_interface_addresses returned Unknown system error 1')
      return addresses
    },
  })
  const stop = watch((reason) => {
    if (throwOnChange) throw new Error('a listener that throws')
    changes.push(reason)
  })
  return {
    changes,
    stop,
    pendingTimers: () => timers.size,
    /** The wall clock moves on by `ms`, then the pending tick runs (a suspended process runs it late). */
    tick(ms = NETWORK_CHECK_INTERVAL_MS) {
      now += ms
      const [id, callback] = [...timers.entries()][0]!
      timers.delete(id)
      callback()
    },
    setAddresses: (next: string[] | null) => void (addresses = next),
    throwOnChange: () => void (throwOnChange = true),
  }
}

describe('network watch', () => {
  it('says nothing while the machine runs and its addresses stay', () => {
    const watch = setUp()
    for (let i = 0; i < 5; i += 1) watch.tick(NETWORK_CHECK_INTERVAL_MS + SLEEP_GAP_MS - 1)
    watch.setAddresses(['IPv6 fe80::1', 'IPv4 192.168.1.20'])
    watch.tick()
    expect(watch.changes).toEqual([])
    expect(watch.pendingTimers()).toBe(1)
  })

  it('tells of a wake from sleep: a tick far later on the wall clock than due', () => {
    const watch = setUp()
    watch.tick(NETWORK_CHECK_INTERVAL_MS + 3_600_000)
    expect(watch.changes).toEqual(['the machine was asleep (or stalled) for about 3600 s'])
  })

  it('tells of a network change: addresses gone, then new ones', () => {
    const watch = setUp()
    watch.setAddresses([])
    watch.tick()
    watch.setAddresses(['IPv4 10.0.0.5'])
    watch.tick()
    expect(watch.changes).toEqual([
      'the network changed (addresses IPv4 192.168.1.20, IPv6 fe80::1 -> none)',
      'the network changed (addresses none -> IPv4 10.0.0.5)',
    ])
  })

  it('keeps going where the system refuses to list the interfaces, and when a listener throws', () => {
    const watch = setUp()
    watch.setAddresses(null)
    watch.tick()
    expect(watch.changes).toEqual([])
    watch.setAddresses(['IPv4 10.0.0.5'])
    watch.throwOnChange()
    watch.tick(NETWORK_CHECK_INTERVAL_MS + 3_600_000)
    expect(watch.pendingTimers()).toBe(1)
  })

  it('stops looking once stopped', () => {
    const watch = setUp()
    watch.stop()
    expect(watch.pendingTimers()).toBe(0)
  })

  it('watches the addresses that can carry the tunnel: not loopback, not link-local (a container’s virtual interface)', () => {
    const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
      ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as os.NetworkInterfaceInfo
    expect(
      routableAddresses({
        lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
        wlan0: [entry('192.168.1.20', 'IPv4'), entry('fe80::1c2b:3aff:fe4d:5e6f', 'IPv6'), entry('2001:db8::7', 'IPv6')],
        veth1a2b3c: [entry('fe80::a0b1:c2ff:fed3:e4f5', 'IPv6')],
        eth1: [entry('169.254.10.20', 'IPv4')],
      }),
    ).toEqual(['IPv4 192.168.1.20', 'IPv6 2001:db8::7'])
  })
})
