/**
 * What a support person reads of a Plexo callback: the summary line (event · status · amount, as
 * the list shows it) and the reference. Amounts are the digits the body wrote, never a number
 * printed again; the legacy API's states and currencies are named as the plexouy SDKs name them.
 */
import { describe, expect, it } from 'vitest'
import { loadVectors } from '../../test-support/vectors'
import { toRecognition } from '../recognition'
import { analyzeDelivery } from './index'

function analyze(body: string) {
  return analyzeDelivery(
    { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(body) },
    { now: new Date(), keys: [] },
  )
}

/** The list's summary line (recognition-badges.tsx `summaryLine`), from what a capture keeps. */
function line(body: string): string {
  const { summary } = toRecognition(analyze(body))
  return [summary.eventType, summary.status, summary.amount].filter((part) => part !== null && part !== '').join(' · ')
}

/** A legacy envelope around `object`, written by hand so its number lexemes are exactly these. */
function envelope(object: string): string {
  return `{"Object":{"Fingerprint":"07E878CCA6F32681DD2726CAF5254804F46D0CD8","Object":${object},"UTCUnixTimeExpiration":1767225600},"Signature":"c2ln"}`
}

describe('Plexo legacy callback summary', () => {
  it('the vector: its state as a word, its amount as written with the ISO code of its CurrencyId, its invoice as the reference', () => {
    const vector = loadVectors('plexo.json').find((each) => each.name === 'plexo-legacy-signed-transaction-callback-valid')
    if (!vector) throw new Error('vector missing')
    const analysis = analyze(vector.body)
    // CurrentState 0 is TransactionType.Reserve; CurrencyId 2 is CurrencyType::USD.
    expect(line(vector.body)).toBe('TransactionCallback · Reserve · 100.5 USD')
    expect(analysis.summary).toMatchObject({
      merchantReference: 'INV-1001',
      providerObjectId: '5f0c1e2d3a4b5c6d7e8f9012',
      amount: { raw: '100.5', currency: 'USD', amountMinor: 10050, unit: 'decimal' },
      problems: [],
    })
    // What was received stays visible beside the code it was read as.
    expect(analysis.summary.fields).toContainEqual({ label: 'Current state', value: 'Reserve (0)' })
    expect(analysis.summary.fields).toContainEqual({ label: 'Currency', value: 'USD (CurrencyId 2, Name "Peso", Symbol "$")' })
  })

  it('keeps the digits of the amount as sent, in every currency the SDKs number', () => {
    const cases: Array<[string, string, string]> = [
      ['"Amount":100.50,"Currency":{"CurrencyId":1,"Name":"Peso"},"CurrentState":1', 'Purchase', '100.50 UYU'],
      ['"Amount":1250,"Currency":{"CurrencyId":3},"CurrentState":2', 'Cancel', '1250 ARS'],
      ['"Amount":0.10,"Currency":{"CurrencyId":4},"CurrentState":3', 'Refund', '0.10 EUR'],
      ['"Amount":"99.90","Currency":{"CurrencyId":5},"CurrentState":"Purchase"', 'Purchase', '99.90 BRL'],
    ]
    for (const [members, status, amount] of cases) {
      expect(line(envelope(`{"Client":"Shop","TransactionId":"t-1",${members},"InvoiceNumber":"F-7"}`))).toBe(`TransactionCallback · ${status} · ${amount}`)
    }
  })

  it('says so when a state or a currency is not one the SDKs define, and shows what came', () => {
    const analysis = analyze(envelope('{"TransactionId":"t-2","Amount":7.5,"Currency":{"CurrencyId":9,"Name":"Guaraní"},"CurrentState":8}'))
    expect(analysis.summary.status).toBe('8')
    expect(analysis.summary.amount).toMatchObject({ amountDisplay: '7.5 Guaraní', currency: null, raw: '7.5' })
    expect(analysis.summary.problems).toEqual([
      expect.stringContaining('CurrentState 8 is not a TransactionType'),
      expect.stringContaining('CurrencyId 9 is not one the plexouy SDKs define'),
    ])
  })

  it('names the actions of an instrument callback', () => {
    const registered = analyze(envelope('{"Client":"Shop","SessionId":"s-1","Action":2,"InstrumentName":"VISA 4111"}'))
    expect(registered.summary).toMatchObject({ eventType: 'InstrumentCallback', status: 'RegisterInstrument', providerObjectId: 's-1' })
    expect(analyze(envelope('{"SessionId":"s-2","Action":3}')).summary.status).toBe('SelectInstrument, RegisterInstrument')
  })
})

describe('Plexo REST callback summary', () => {
  it('never shows a card number whole, whatever card.name holds', () => {
    const vector = loadVectors('plexo.json').find((each) => each.name === 'plexo-rest-payment-callback-approved')
    if (!vector) throw new Error('vector missing')
    expect(analyze(vector.body).summary.maskedCard).toBe('555555******4444')
    const unmasked = vector.body.replace(/"card":\{[^}]*\}/, '"card":{"name":"4111111111111111","type":"credit"}')
    expect(unmasked).toContain('"name":"4111111111111111"')
    expect(analyze(unmasked).summary.maskedCard).toBe('411111******1111')
    expect(analyze(unmasked.replace('"name":"4111111111111111"', '"name":"VISA 4111111111111111"')).summary.maskedCard).toBe('VISA 411111******1111')
  })

  it('shows amount.total as written', () => {
    const vector = loadVectors('plexo.json').find((each) => each.name === 'plexo-rest-payment-callback-approved')
    if (!vector) throw new Error('vector missing')
    expect(line(vector.body)).toBe('purchase · approved · 100 UYU')
    expect(analyze(vector.body.replace('"total":100', '"total":100.50')).summary.amount).toMatchObject({ amountDisplay: '100.50 UYU', amountMinor: 10050 })
  })
})
