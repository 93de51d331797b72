/**
 * Re-signing signatures that live in the body: Adyen classic notification items
 * (`additionalData.hmacSignature` per item) and the Plexo legacy envelope (`Signature`, with a fresh
 * `UTCUnixTimeExpiration`).
 *
 * Adyen's signatures are replaced in the raw text, so every other byte of the body stays as sent.
 * The Plexo envelope is rebuilt by the provider library's `signPlexoEnvelope`, which serialises it
 * anew: its formatting differs from the capture afterwards, and the summary says so.
 */
import type { ProviderId } from '../../shared/providers'
import type { ResignChange, RsaPrivateKey } from '../../shared/replay'
import { keyFingerprint, signAdyenItem, signPlexoEnvelope } from '../providers/index'
import { privateKeyFingerprint, type HmacKey } from './signing-keys'

/** What body re-signing needs of the re-signing draft. */
export interface BodyDraft {
  body: Buffer
  readonly notes: string[]
  setBody(body: Buffer, changes: ResignChange[]): void
  skip(scheme: string, provider: ProviderId, reason: string): void
}

type PlexoObject = Parameters<typeof signPlexoEnvelope>[0]['object']

const HMAC_SIGNATURE_MEMBER = /("hmacSignature"\s*:\s*)"((?:[^"\\]|\\.)*)"/g

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

/** A JSON member as text: a string as it is, anything else as its JSON (never "[object Object]"). */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The body as text when it is valid UTF-8 that round-trips byte for byte; otherwise `null`. */
function bodyText(body: Buffer): string | null {
  const text = body.toString('utf8')
  return Buffer.from(text, 'utf8').equals(body) ? text : null
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return undefined
    throw error
  }
}

/** Recomputes each classic item's `additionalData.hmacSignature` in place. */
export function resignAdyenItems(draft: BodyDraft, key: HmacKey | undefined): void {
  const text = bodyText(draft.body)
  if (text === null || !text.includes('"hmacSignature"')) return
  const items = record(parseJson(text))?.notificationItems
  if (!Array.isArray(items)) return
  const requestItems = items.map((item) => record(record(item)?.NotificationRequestItem))
  const signedIndexes = requestItems.flatMap((item, index) => (typeof record(item?.additionalData)?.hmacSignature === 'string' ? [index] : []))
  if (signedIndexes.length === 0) return
  if (!key) {
    draft.skip(
      'adyen-classic-item',
      'adyen',
      'no Adyen HMAC key configured: the items keep their captured hmacSignature, which no longer matches an edited item',
    )
    return
  }
  const matches = [...text.matchAll(HMAC_SIGNATURE_MEMBER)]
  if (matches.length !== signedIndexes.length) {
    draft.skip(
      'adyen-classic-item',
      'adyen',
      `found ${matches.length} hmacSignature members for ${signedIndexes.length} signed items: not re-signed rather than guess which is which`,
    )
    return
  }
  const changes: ResignChange[] = []
  const fingerprint = keyFingerprint(key)
  let position = 0
  const rewritten = text.replace(HMAC_SIGNATURE_MEMBER, (_whole: string, prefix: string, escaped: string) => {
    const index = signedIndexes[position++] as number
    const signature = signAdyenItem(key.value, requestItems[index])
    changes.push({
      scheme: 'adyen-classic-item',
      provider: 'adyen',
      location: 'body',
      name: `notificationItems[${index}].NotificationRequestItem.additionalData.hmacSignature`,
      before: parseJson(`"${escaped}"`) as string,
      after: signature,
      keyFingerprint: fingerprint,
    })
    return `${prefix}${JSON.stringify(signature)}`
  })
  const unsignedItems = requestItems.length - signedIndexes.length
  if (unsignedItems > 0) draft.notes.push(`${unsignedItems} Adyen item(s) carry no hmacSignature and were left unsigned`)
  draft.setBody(Buffer.from(rewritten, 'utf8'), changes)
}

/** Re-signs a Plexo legacy envelope with the user's private key and a fresh expiry. */
export function resignPlexoEnvelope(draft: BodyDraft, key: RsaPrivateKey | undefined, expiresAt: number): void {
  const text = bodyText(draft.body)
  if (text === null || !text.includes('"Signature"')) return
  const envelope = record(parseJson(text.replace(/^\uFEFF/, '')))
  const inner = record(envelope?.Object)
  if (!envelope || !inner || inner.Fingerprint === undefined || envelope.Signature === undefined) return
  if (!key) {
    draft.skip(
      'plexo-legacy-rsa-sha512',
      'plexo',
      'no Plexo private key supplied: Plexo signs with its own certificate, so a re-signed envelope only verifies against the certificate of the key you supply',
    )
    return
  }
  const fingerprint = scalarText(inner.Fingerprint)
  const signed = signPlexoEnvelope({ object: inner.Object as PlexoObject, fingerprint, expiresAt, privateKey: key.pem })
  const keyId = privateKeyFingerprint(key)
  draft.setBody(Buffer.from(signed.body, 'utf8'), [
    {
      scheme: 'plexo-legacy-rsa-sha512',
      provider: 'plexo',
      location: 'body',
      name: 'Object.UTCUnixTimeExpiration',
      before: inner.UTCUnixTimeExpiration === undefined ? null : scalarText(inner.UTCUnixTimeExpiration),
      after: String(expiresAt),
      keyFingerprint: keyId,
    },
    {
      scheme: 'plexo-legacy-rsa-sha512',
      provider: 'plexo',
      location: 'body',
      name: 'Signature',
      before: typeof envelope.Signature === 'string' ? envelope.Signature : null,
      after: signed.signature,
      keyFingerprint: keyId,
    },
  ])
  draft.notes.push('the Plexo envelope was serialised anew to re-sign it: its formatting (whitespace, member order) differs from the capture')
}
