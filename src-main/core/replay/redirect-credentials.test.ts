import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import forge from 'node-forge'
import { afterEach, describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import { issueCertificate } from '../../test-support/certificate-authority'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { isCredentialHeader } from './credential-headers'
import { sendReplay } from './http-client'

const targets: LoopbackTarget[] = []
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const target of targets.splice(0)) await target.close()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const CREDENTIALS: HeaderPairs = [
  ['Authorization', 'Bearer secret-token'],
  ['Cookie', 'session=abc'],
  ['X-Signature', 'c2ln'],
  ['Stripe-Signature', 't=1,v1=abc'],
  ['X-Hub-Signature-256', 'sha256=abc'],
  ['X-Shopify-Hmac-Sha256', 'abc'],
  ['PAYPAL-TRANSMISSION-SIG', 'abc'],
  ['webhook-signature', 'v1,abc'],
  ['X-Api-Key', 'k'],
]

async function redirectingTo(location: (path: string) => string): Promise<LoopbackTarget> {
  const target = await startLoopbackTarget((request, response) => {
    if (request.target === '/start') response.writeHead(307, { Location: location(request.target) }).end()
    else response.end('landed')
  })
  targets.push(target)
  return target
}

describe('followed redirects and credentials', () => {
  it('drops credential and signature headers on a hop to another origin, and says which', async () => {
    const other = await startLoopbackTarget()
    targets.push(other)
    const first = await redirectingTo(() => `${other.url}/stolen`)
    const outcome = await sendReplay(
      { method: 'POST', url: `${first.url}/start`, headers: [...CREDENTIALS, ['X-Other', 'kept']], body: Buffer.from('{}') },
      { followRedirects: true },
    )
    expect(outcome.kind).toBe('response')
    const received = other.received[0]!
    expect(received.target).toBe('/stolen')
    expect(received.headers.filter(([name]) => isCredentialHeader(name))).toEqual([])
    expect(received.headers).toContainEqual(['X-Other', 'kept'])
    expect(outcome.redirects[0]?.droppedHeaders).toEqual(CREDENTIALS.map(([name]) => name))
    // The first origin got them all.
    expect(first.received[0]!.headers).toEqual(expect.arrayContaining(CREDENTIALS))
  })

  it('keeps them on a hop within the same origin', async () => {
    const target = await redirectingTo(() => '/next')
    const outcome = await sendReplay({ method: 'POST', url: `${target.url}/start`, headers: CREDENTIALS, body: Buffer.from('{}') }, { followRedirects: true })
    expect(outcome.kind).toBe('response')
    expect(target.received[1]!.headers).toEqual(expect.arrayContaining(CREDENTIALS))
    expect(outcome.redirects[0]?.droppedHeaders).toBeUndefined()
  })

  it('refuses to follow https to http unless asked', async () => {
    const plain = await startLoopbackTarget()
    targets.push(plain)
    const issued = issueCertificate({ commonName: 'localhost', dnsNames: ['localhost'] })
    const server = createHttpsServer({ cert: issued.pem, key: forge.pki.privateKeyToPem(issued.signer.privateKey) }, (_request, response) => {
      response.writeHead(302, { Location: `${plain.url}/down` }).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const url = `https://localhost:${(server.address() as AddressInfo).port}/start`
    const request = { method: 'GET', url, headers: [] as HeaderPairs, body: Buffer.alloc(0) }

    const refused = await sendReplay(request, { followRedirects: true, allowInsecureTls: true })
    expect(refused.kind === 'failure' && refused.failure).toMatchObject({ kind: 'redirect', message: expect.stringContaining('unencrypted') })
    expect(plain.received).toEqual([])

    const allowed = await sendReplay(request, { followRedirects: true, allowInsecureTls: true, allowHttpsToHttp: true })
    expect(allowed.kind).toBe('response')
    expect(plain.received[0]?.target).toBe('/down')
  })
})
