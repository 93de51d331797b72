/**
 * Signing keys per endpoint (HMAC secrets, public keys, certificates, PayPal webhook ids). Kept
 * apart from the other settings, in `<data>/secrets/keys.json`, sealed by the shell's
 * `SecretSealer`; the folder is 0700 and the file 0600. Callers outside the core only ever see
 * `KeyDescriptor`s (masked, with a fingerprint): the key material never leaves this module except
 * to the verifiers.
 */
import { randomUUID } from 'node:crypto'
import { chmod, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import { errorMessage, InspectorError } from '../../shared/errors'
import { providerKeySchema, type KeyDescriptor, type ProviderKey } from '../../shared/providers'
import { describeKey } from './describe-key'
import { createCoalescingWriter } from '../store/coalescing-writer'
import { createDocument, openDocument } from '../store/data-file'
import { SCHEMA_VERSION } from '../store/persisted-schema'
import { loadFingerprintKey } from './fingerprint-key'
import type { SecretSealer } from './secret-sealer'

const storedKeySchema = z.object({
  id: z.string().min(1),
  endpointId: z.string().min(1),
  createdAt: z.string(),
  sealedWith: z.enum(['safe-storage', 'file-permissions']),
  sealed: z.string(),
})
const keysDocumentSchema = z.object({ schemaVersion: z.literal(SCHEMA_VERSION), keys: z.array(storedKeySchema) })
type KeysDocument = z.infer<typeof keysDocumentSchema>

export interface EndpointKey {
  id: string
  createdAt: string
  descriptor: KeyDescriptor
}

export interface KeyStore {
  readonly issue: StorageIssue | null
  readonly protection: SecretSealer['method']
  /** Key material for the verifiers. */
  keysFor(endpointId: string): ProviderKey[]
  describe(endpointId: string): EndpointKey[]
  add(endpointId: string, key: ProviderKey): Promise<EndpointKey>
  remove(endpointId: string, keyId: string): Promise<void>
  removeAll(endpointId: string): Promise<void>
}

export async function openKeyStore(dataDir: string, sealer: SecretSealer, quarantineDir: string, now: () => Date): Promise<KeyStore> {
  const dir = join(dataDir, 'secrets')
  const file = join(dir, 'keys.json')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  // Before any key is described: fingerprints of secrets are keyed with it.
  await loadFingerprintKey(dir)
  const initial = (): KeysDocument => ({ schemaVersion: SCHEMA_VERSION, keys: [] })
  const opened = await openDocument(file, keysDocumentSchema, initial, quarantineDir, now)
  const db = opened.db ?? createDocument(file, initial())
  const write = createCoalescingWriter(async () => {
    await db.write()
    // The temp-file-and-rename write creates a new file: restate its mode every time.
    await chmod(file, 0o600)
  })

  /** Unsealed keys, kept in memory so verification never waits on the keychain. */
  const cache = new Map<string, { endpointId: string; key: ProviderKey; entry: EndpointKey }>()
  const unreadable: string[] = []
  for (const stored of db.data.keys) {
    try {
      const key = providerKeySchema.parse(JSON.parse(sealer.method === stored.sealedWith ? sealer.unseal(stored.sealed) : stored.sealed))
      cache.set(stored.id, { endpointId: stored.endpointId, key, entry: { id: stored.id, createdAt: stored.createdAt, descriptor: describeKey(key) } })
    } catch {
      // A key sealed on another machine or keychain cannot be opened here; it stays on disk.
      unreadable.push(stored.id)
    }
  }
  const issue: StorageIssue | null =
    opened.issue ??
    (unreadable.length > 0
      ? { file, problem: `${unreadable.length} signing key(s) could not be unsealed on this machine and are ignored`, movedTo: file, at: now().toISOString() }
      : null)

  async function save(change: () => void, rollback: () => void): Promise<void> {
    change()
    try {
      await write()
    } catch (error: unknown) {
      rollback()
      throw new InspectorError('STORAGE_FAILED', `could not save signing keys: ${errorMessage(error)}`)
    }
  }

  return {
    issue,
    protection: sealer.protection ?? sealer.method,
    keysFor: (endpointId) => [...cache.values()].filter((item) => item.endpointId === endpointId).map((item) => item.key),
    describe: (endpointId) => [...cache.values()].filter((item) => item.endpointId === endpointId).map((item) => item.entry),
    async add(endpointId, key) {
      const entry: EndpointKey = { id: randomUUID(), createdAt: now().toISOString(), descriptor: describeKey(key) }
      const stored = { id: entry.id, endpointId, createdAt: entry.createdAt, sealedWith: sealer.method, sealed: sealer.seal(JSON.stringify(key)) }
      await save(
        () => {
          db.data.keys.push(stored)
          cache.set(entry.id, { endpointId, key, entry })
        },
        () => {
          db.data.keys = db.data.keys.filter((candidate) => candidate.id !== entry.id)
          cache.delete(entry.id)
        },
      )
      return entry
    },
    async remove(endpointId, keyId) {
      const cached = cache.get(keyId)
      if (!cached || cached.endpointId !== endpointId) throw new InspectorError('NOT_FOUND', `no key with id ${keyId} on this endpoint`)
      const before = db.data.keys
      await save(
        () => {
          db.data.keys = before.filter((candidate) => candidate.id !== keyId)
          cache.delete(keyId)
        },
        () => {
          db.data.keys = before
          cache.set(keyId, cached)
        },
      )
    },
    async removeAll(endpointId) {
      const doomed = [...cache.entries()].filter(([, item]) => item.endpointId === endpointId)
      if (doomed.length === 0) return
      const before = db.data.keys
      await save(
        () => {
          db.data.keys = before.filter((candidate) => candidate.endpointId !== endpointId)
          for (const [id] of doomed) cache.delete(id)
        },
        () => {
          db.data.keys = before
          for (const [id, item] of doomed) cache.set(id, item)
        },
      )
    },
  }
}
