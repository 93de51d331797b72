/**
 * Pieces of the providers' signing schemes written out from providers.md, independently of the
 * code under test, for the tests that sign deliveries themselves (generated-deliveries.test.ts,
 * random-deliveries.test.ts).
 */
import { createHmac } from 'node:crypto'
import { issueCertificate } from './certificate-authority'

export const hmac = (algorithm: string, key: Buffer | string, ...parts: Array<Buffer | string>): Buffer => {
  const mac = createHmac(algorithm, key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/** CRC-32 (IEEE, reflected, polynomial 0xEDB88320) as an unsigned number, as PayPal's signed string holds it. */
export function crc32(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** JSON with keys sorted recursively (ordinal), no whitespace, null members left out: providers.md §3.2's base string (Plexo). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, member]) => member !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`)
      .join(',')}}`
  return JSON.stringify(value)
}

/** PayPal's certificates for a test file, issued once: the one that signs, and another. */
export const PAYPAL_CERTS = [0, 1].map((n) => issueCertificate({ commonName: `messageverificationcerts${n}.sandbox.paypal.com` }))

/** Plexo's certificates for a test file: the one that signs, and another. */
export const PLEXO_CERTS = [0, 1].map((n) => issueCertificate({ commonName: `plexo-signing-${n}.test` }))

/** The fields of an Adyen classic notification item that its signature covers. */
export interface AdyenSignedFields {
  pspReference: string
  originalReference?: string
  merchantAccountCode: string
  merchantReference: string
  amount: { value: number; currency: string }
  eventCode: string
  success: string
}

/** providers.md §5.5 (classic): the signed fields joined by ":" (no escaping); signed as base64(HMAC-SHA256(hexDecode(key), data)). */
export const adyenItemData = (item: AdyenSignedFields): string =>
  [
    item.pspReference,
    item.originalReference ?? '',
    item.merchantAccountCode,
    item.merchantReference,
    String(item.amount.value),
    item.amount.currency,
    item.eventCode,
    item.success,
  ].join(':')

/** Adyen's published platform-webhook example (merchant.created), pretty-printed as Adyen signs it: its official HmacSignature is NiqA5vsd… */
export const ADYEN_PLATFORM_BODY = [
  '{',
  '    "type": "merchant.created",',
  '    "environment": "test",',
  '    "createdAt": "01-01-2024",',
  '    "data": {',
  '        "capabilities": {',
  '            "sendToTransferInstrument": {',
  '                "requested": true,',
  '                "requestedLevel": "notApplicable"',
  '            }',
  '        },',
  '        "companyId": "YOUR_COMPANY_ID",',
  '        "merchantId": "YOUR_MERCHANT_ACCOUNT",',
  '        "status": "PreActive"',
  '    }',
  '}',
].join('\n')
