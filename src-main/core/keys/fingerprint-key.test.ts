import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { describeKey } from './describe-key'
import { openKeyStore } from './key-store'
import { filePermissionSealer } from './secret-sealer'

const removers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const remove of removers.splice(0)) await remove()
})

async function installation() {
  const temp = await makeTempDir()
  removers.push(temp.remove)
  const open = () => openKeyStore(temp.dir, filePermissionSealer, join(temp.dir, 'unreadable'), () => new Date())
  return { dir: temp.dir, open }
}

const weak = { kind: 'hmac-secret' as const, provider: 'github' as const, value: 'secret123' }

describe('keyed key fingerprints', () => {
  it('a short secret cannot be found from its fingerprint by hashing guesses', async () => {
    const { open } = await installation()
    const store = await open()
    const added = await store.add('endpoint-1', weak)
    expect(added.descriptor.fingerprint).not.toBe(createHash('sha256').update('secret123').digest('hex').slice(0, 16))
    expect(added.descriptor.masked).not.toContain('9')
  })

  it('is stable across restarts of one installation, different in another, and its key is 0600 beside the keys', async () => {
    const first = await installation()
    const before = (await (await first.open()).add('endpoint-1', weak)).descriptor.fingerprint
    const reopened = await first.open()
    expect(reopened.describe('endpoint-1')[0]?.descriptor.fingerprint).toBe(before)
    expect(describeKey(weak).fingerprint).toBe(before)
    expect((await stat(join(first.dir, 'secrets', 'fingerprint.key'))).mode & 0o777).toBe(0o600)

    const second = await installation()
    await second.open()
    expect(describeKey(weak).fingerprint).not.toBe(before)
  })
})
