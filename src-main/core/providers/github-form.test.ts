/**
 * GitHub webhooks whose content type is `application/x-www-form-urlencoded`: the body is
 * `payload=<the event's JSON, URL-encoded>`, and GitHub signs those form bytes. The summary reads
 * the event from the payload field as it reads a JSON body; the signature stays over the raw form.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis } from '../../shared/providers'
import { analyzeDelivery } from './index'

const SECRET = 'gh-form-secret'
const EVENT = {
  action: 'opened',
  issue: { number: 7, title: 'Crash on start & "quotes" + ünïcödé' },
  repository: { id: 1, full_name: 'octo-org/octo-repo' },
  sender: { login: 'octocat', id: 1 },
}

/** Written here from GitHub's docs: "sha256=" + hex(HMAC-SHA256(secret, the bytes sent)). */
const sign = (body: string, secret = SECRET): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`

const headersFor = (body: string, contentType: string): HeaderPairs => [
  ['Content-Type', contentType],
  ['X-GitHub-Event', 'issues'],
  ['X-GitHub-Delivery', '0f2b9c40-1d2e-11ef-8a4c-0e7e5a0c1a11'],
  ['X-GitHub-Hook-ID', '42'],
  ['X-Hub-Signature-256', sign(body)],
]

const analyze = (headers: HeaderPairs, body: string): DeliveryAnalysis =>
  analyzeDelivery(
    { method: 'POST', target: '/gh', headers, body: Buffer.from(body, 'utf8') },
    { now: new Date('2026-01-01T00:00:00Z'), keys: [{ kind: 'hmac-secret', provider: 'github', value: SECRET }] },
  )

describe('GitHub form-encoded deliveries', () => {
  const json = JSON.stringify(EVENT)
  // GitHub's form encoding (spaces as + as URLSearchParams writes them) and plain percent-encoding.
  const forms = { urlSearchParams: new URLSearchParams({ payload: json }).toString(), percent: `payload=${encodeURIComponent(json)}` }

  it.each(Object.entries(forms))('reads the action and repository from the payload field (%s), as from a JSON body', (_how, form) => {
    const fromJson = analyze(headersFor(json, 'application/json'), json)
    const fromForm = analyze(headersFor(form, 'application/x-www-form-urlencoded'), form)
    expect(fromForm.provider.id).toBe('github')
    expect(fromForm.summary).toMatchObject({ eventType: 'issues.opened', status: 'opened', bodyFormat: 'form' })
    expect(fromForm.summary.fields).toContainEqual({ label: 'Repository', value: 'octo-org/octo-repo' })
    expect(fromForm.summary.fields).toContainEqual({ label: 'Sender', value: 'octocat' })
    expect(fromForm.summary.problems).toEqual([])
    // Everything the JSON delivery shows, the form one shows too.
    expect({ ...fromForm.summary, bodyFormat: 'json' }).toEqual(fromJson.summary)
  })

  it('checks the signature over the form bytes GitHub sent, not over the JSON inside', () => {
    const form = forms.percent
    expect(analyze(headersFor(form, 'application/x-www-form-urlencoded'), form).verdict.status).toBe('valid')
    // Signed over the JSON, sent as a form: not GitHub's signature of these bytes.
    const overJson: HeaderPairs = headersFor(form, 'application/x-www-form-urlencoded').map(([name, value]) =>
      name === 'X-Hub-Signature-256' ? [name, sign(json)] : [name, value],
    )
    expect(analyze(overJson, form).verdict.status).toBe('invalid')
    // The same JSON written another way (%20 for +) is other bytes: the old signature does not fit.
    const respelled = forms.urlSearchParams.replaceAll('+', '%20')
    expect(analyze(headersFor(forms.urlSearchParams, 'application/x-www-form-urlencoded'), respelled).verdict.status).toBe('invalid')
  })

  it('says so when the payload field holds no JSON object', () => {
    const form = 'payload=not-json'
    const { summary, verdict } = analyze(headersFor(form, 'application/x-www-form-urlencoded'), form)
    expect(verdict.status).toBe('valid')
    expect(summary.eventType).toBe('issues')
    expect(summary.problems).toEqual(["the form's payload field is not a JSON object: GitHub puts the event's JSON there"])
  })
})
