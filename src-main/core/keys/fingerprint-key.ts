/**
 * Fingerprints of secrets (HMAC keys) are keyed: HMAC-SHA256 with a random per-installation key,
 * first 16 hex characters. A plain SHA-256 prefix let anyone who saw a fingerprint (in the UI, a
 * screenshot, a bug report) test guesses offline: `secret123` matched at once. With a key only
 * this installation has, a fingerprint still tells two secrets apart here, and reveals neither the
 * secret nor its length to anybody else. Public keys and certificates keep plain hashes: they are
 * not secret, and a plain hash can be compared with other tools.
 *
 * The key lives beside the signing keys (`secrets/fingerprint.key`, 0600), so fingerprints stay the
 * same across restarts. Until an installation's key is loaded (unit tests, tools) a random key for
 * the process is used: still keyed, only not stable across runs.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FINGERPRINT_HEX_CHARS } from '../crypto/bytes'

const KEY_BYTES = 32
export const FINGERPRINT_KEY_FILE = 'fingerprint.key'

let installationKey: Buffer = randomBytes(KEY_BYTES)

/** The keyed fingerprint of a secret: HMAC-SHA256 under the installation key, first 16 hex characters. */
export function secretFingerprint(secret: string | Uint8Array): string {
  return createHmac('sha256', installationKey).update(secret).digest('hex').slice(0, FINGERPRINT_HEX_CHARS)
}

/**
 * Loads the installation's fingerprint key from `secretsDir`, creating it (0600) on first use, and
 * makes it the key every later fingerprint uses. An unreadable or malformed key file is replaced:
 * only fingerprints change, no secret is lost.
 */
export async function loadFingerprintKey(secretsDir: string): Promise<void> {
  const file = join(secretsDir, FINGERPRINT_KEY_FILE)
  try {
    const text = (await readFile(file, 'utf8')).trim()
    if (/^[0-9a-f]{64}$/.test(text)) {
      installationKey = Buffer.from(text, 'hex')
      return
    }
  } catch (error: unknown) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error
  }
  const fresh = randomBytes(KEY_BYTES)
  await writeFile(file, `${fresh.toString('hex')}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  installationKey = fresh
}
