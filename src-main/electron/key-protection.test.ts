import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../test-support/temp-dir'
import { planKeySealing } from './shell-policy'
import { openKeyStore } from '../core/keys/key-store'
import type { SecretSealer } from '../core/keys/secret-sealer'

const removers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const remove of removers.splice(0)) await remove()
})

describe('reported key protection', () => {
  it("is file-permissions when safeStorage runs on Linux's basic_text backend, and keys stay readable", async () => {
    const plan = planKeySealing({ encryptionAvailable: true, linuxBackend: 'basic_text' })
    // A stand-in for safeStorage: reversible sealing, as basic_text is.
    const sealer: SecretSealer = {
      method: 'safe-storage',
      protection: plan.protection,
      seal: (plain) => Buffer.from(plain).toString('base64'),
      unseal: (sealed) => Buffer.from(sealed, 'base64').toString(),
    }
    const temp = await makeTempDir()
    removers.push(temp.remove)
    const open = () => openKeyStore(temp.dir, sealer, join(temp.dir, 'unreadable'), () => new Date())
    const store = await open()
    expect(store.protection).toBe('file-permissions')
    await store.add('e1', { kind: 'hmac-secret', provider: 'github', value: 'a-secret-value' })
    expect((await open()).keysFor('e1')).toHaveLength(1)
  })
})
