/**
 * Providers share signature header names (X-Signature: IXOPAY, CHIP, Mercado Pago;
 * webhook-signature: Standard Webhooks, GoCardless). Re-signing one provider's delivery must never
 * touch or report another provider's scheme: over every vector of every provider, the steps that
 * act (change a header or report a missing key) are that provider's own.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { HMAC_PROVIDER_IDS, PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import { PROVIDER_BY_FILE, loadVectors, vectorFiles, type VectorCase } from '../../test-support/vectors'
import { buildReplayRequest } from './replay-request'
import { resignRequest } from './resign'

function casesOf(id: PinnableProviderId): VectorCase[] {
  const own = fileURLToPath(new URL(`../../test-support/vectors/${id}.json`, import.meta.url))
  if (existsSync(own)) return JSON.parse(readFileSync(own, 'utf8')) as VectorCase[]
  return vectorFiles()
    .filter((file) => PROVIDER_BY_FILE[file] === id)
    .flatMap((file) => loadVectors(file))
}

/** A secret for every HMAC provider: each step that finds its header acts. */
const EVERY_SECRET: SigningKey[] = HMAC_PROVIDER_IDS.map((provider) => ({ kind: 'hmac-secret', provider, value: 'a'.repeat(32), apiKey: 'b'.repeat(16) }))

describe('re-signing acts only on the delivery’s own provider', () => {
  for (const id of PINNABLE_PROVIDER_IDS) {
    const cases = casesOf(id)
    if (cases.length === 0) continue
    it(id, () => {
      for (const vector of cases) {
        const request = buildReplayRequest(
          { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') },
          { targetUrl: `http://127.0.0.1:9${vector.path.startsWith('/') ? vector.path : `/${vector.path}`}` },
        )
        for (const keys of [[], EVERY_SECRET]) {
          const { summary } = resignRequest(request, keys, { now: new Date() })
          const actors = [...summary.changes.map((change) => change.provider), ...summary.skipped.map((skip) => skip.provider)]
          for (const actor of actors) expect(actor, `${vector.name}: a ${actor} step acted on a ${id} delivery`).toBe(id)
        }
      }
    })
  }
})
