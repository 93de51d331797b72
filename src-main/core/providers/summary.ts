/**
 * Building blocks for provider summaries: the empty summary, money formatting per provider rules,
 * card masking and the generic field list used for unknown senders.
 */
import type { DeliverySummary, MoneyAmount, SummaryField } from '../../shared/providers'
import { passesLuhn } from '../luhn'
import {
  isObject,
  looksLikeText,
  parseFormBody,
  parseJsonBody,
  parseRawJson,
  text,
  unparsedJsonReason,
  type JsonObject,
  type JsonValue,
  type RawJson,
} from './body'

/** Generic field lists stop here so a huge body cannot produce a huge summary. */
export const MAX_SUMMARY_FIELDS = 60
/** Field values are cut here for display. */
export const MAX_FIELD_VALUE_CHARS = 300

export function emptySummary(bodyFormat: DeliverySummary['bodyFormat']): DeliverySummary {
  return {
    eventType: null,
    status: null,
    providerObjectId: null,
    eventId: null,
    revision: null,
    merchantReference: null,
    amount: null,
    paymentMethod: null,
    maskedCard: null,
    errorCode: null,
    errorMessage: null,
    isTest: null,
    items: [],
    signalOnly: null,
    fields: [],
    problems: [],
    bodyFormat,
  }
}

/** ISO 4217 exponents that differ from 2. Unknown codes are assumed to have 2 decimals. */
const CURRENCY_EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
}

export function currencyExponent(currency: string | null): number {
  if (currency === null) return 2
  return CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2
}

function normaliseCurrency(currency: unknown): string | null {
  const code = text(currency)
  return code !== null && /^[A-Za-z]{3}$/.test(code) ? code.toUpperCase() : null
}

const DECIMAL_PATTERN = /^-?\d{1,15}(?:\.\d{1,6})?$/

/**
 * An amount sent as a decimal string (IXOPAY, Shopify, PayPal, Mollie): shown as sent,
 * "9.99 EUR", and converted to minor units when exact.
 */
export function decimalAmount(value: unknown, currency: unknown): MoneyAmount | null {
  const raw = text(value)
  if (raw === null || raw === '') return null
  const code = normaliseCurrency(currency) ?? (text(currency) || null)
  let amountMinor: number | null = null
  if (DECIMAL_PATTERN.test(raw)) {
    const exponent = currencyExponent(code)
    const [whole = '0', fraction = ''] = raw.replace('-', '').split('.')
    if (fraction.length <= exponent) {
      const minor = Number(whole + fraction.padEnd(exponent, '0'))
      if (Number.isSafeInteger(minor)) amountMinor = raw.startsWith('-') ? -minor : minor
    }
  }
  return { amountMinor, amountDisplay: code ? `${raw} ${code}` : raw, currency: code, raw, unit: 'decimal' }
}

/**
 * An amount sent as integer minor units (CHIP, Adyen, Stripe): "MYR 1.00" for 100.
 */
export function minorAmount(value: unknown, currency: unknown): MoneyAmount | null {
  const raw = text(value)
  if (raw === null || raw === '') return null
  const code = normaliseCurrency(currency)
  const minor = wholeMinorUnits(raw)
  if (!Number.isSafeInteger(minor)) {
    return { amountMinor: null, amountDisplay: code ? `${code} ${raw} (minor units)` : `${raw} (minor units)`, currency: code, raw, unit: 'minor' }
  }
  const exponent = currencyExponent(code)
  const sign = minor < 0 ? '-' : ''
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0')
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
  const formatted = `${sign}${major}`
  return { amountMinor: minor, amountDisplay: code ? `${code} ${formatted}` : formatted, currency: code, raw, unit: 'minor' }
}

/**
 * The integer a minor-unit amount was written as (`raw`, as `text` shows it: a JSON number as the
 * body wrote it), else NaN: only plain digits are converted ("MYR 1.00" for 100), so 1e2, 100.0,
 * -0 and 12345678901234567890 are shown as written, not as the number JSON.parse made of them.
 */
export function wholeMinorUnits(raw: string): number {
  return /^-?\d{1,15}$/.test(raw) && !/^-0+$/.test(raw) ? Number(raw) : Number.NaN
}

/** "411111******1111" from BIN and last four; never more than the provider already masked. */
export function maskCard(bin: unknown, lastFour: unknown): string | null {
  const first = text(bin)
  const last = text(lastFour)
  if (!last || !/^\d{2,4}$/.test(last)) return null
  const prefix = first && /^\d{6,8}$/.test(first) ? first.slice(0, 6) : ''
  return `${prefix}******${last}`
}

/** Masks anything that looks like a full card number (13-19 digits passing Luhn) in display text. */
export function maskPans(value: string): string {
  return value.replace(/\b\d{13,19}\b/g, (digits) => (passesLuhn(digits) ? `${digits.slice(0, 6)}******${digits.slice(-4)}` : digits))
}

/** Adds a labelled field when the value is a non-empty scalar. */
export function pushField(fields: SummaryField[], label: string, value: unknown): void {
  const display = text(value)
  if (display === null || display === '') return
  fields.push({ label, value: clip(maskPans(display)) })
}

function clip(value: string): string {
  return value.length > MAX_FIELD_VALUE_CHARS ? `${value.slice(0, MAX_FIELD_VALUE_CHARS)}…` : value
}

/**
 * The largest body whose fields are listed. The list is read from the body's own text (below), by a
 * parser written in JavaScript that takes about 35 ms a megabyte here; a larger body is shown whole
 * by the body view, which is faithful at any size.
 */
export const MAX_FIELD_LISTING_BYTES = 1024 * 1024

/**
 * Flattens the scalars of a JSON body into "a.b.c" labelled fields, bounded in count and depth.
 * Read from the body's text, not from `JSON.parse`: a number is shown as it was written (10.50,
 * 12345678901234567890 and 1e400 would come back as 10.5, 12345678901234567000 and nothing), and a
 * member sent twice is listed twice, in the order received.
 */
export function flattenFields(body: Buffer, prefix = '', maxDepth = 3): SummaryField[] {
  if (body.length > MAX_FIELD_LISTING_BYTES) return []
  const root = parseRawJson(body.toString('utf8').replace(/^\uFEFF/, ''))
  const fields: SummaryField[] = []
  const walk = (node: RawJson, path: string, depth: number): void => {
    if (fields.length >= MAX_SUMMARY_FIELDS) return
    if (node.type === 'array') {
      if (depth >= maxDepth) {
        fields.push({ label: path || '(root)', value: `[${node.items.length} item(s)]` })
        return
      }
      node.items.slice(0, 10).forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1))
      return
    }
    if (node.type === 'object') {
      if (depth >= maxDepth) {
        fields.push({ label: path || '(root)', value: `{${node.entries.length} field(s)}` })
        return
      }
      for (const [key, member] of node.entries) {
        if (fields.length >= MAX_SUMMARY_FIELDS) return
        walk(member, path ? `${path}.${key}` : key, depth + 1)
      }
      return
    }
    const display = node.type === 'null' ? 'null' : node.type === 'number' ? node.lexeme : node.type === 'boolean' ? String(node.value) : node.value
    fields.push({ label: path || '(root)', value: clip(maskPans(display)) })
  }
  if (root !== null) walk(root, prefix, 0)
  return fields
}

/** The summary of a body a provider's parser could not read, saying why. */
export function unreadableSummary(body: Buffer, problem: string): DeliverySummary {
  const summary = emptySummary(body.length === 0 ? 'empty' : 'text')
  summary.problems.push(problem)
  return summary
}

/** Parses a provider's JSON object body with `summarise`, or says it is not one. */
export function summariseJsonObject(body: Buffer, what: string, summarise: (json: JsonObject) => DeliverySummary): DeliverySummary {
  const json = parseJsonBody(body)
  return isObject(json) ? summarise(json) : unreadableSummary(body, `the body is not a JSON ${what}`)
}

/** The generic view for unknown senders and the body format for every summary. */
export function genericSummary(body: Buffer, withFields = true): DeliverySummary {
  if (body.length === 0) return emptySummary('empty')
  const json = parseJsonBody(body)
  // Too large, deep or many-valued to parse: still JSON, and analyzeDelivery says why it is not read.
  if (json === undefined && unparsedJsonReason(body) !== null) return emptySummary('json')
  if (json !== undefined) {
    const summary = emptySummary('json')
    if (withFields) summary.fields = flattenFields(body)
    summary.eventType = firstScalar(json, ['type', 'event_type', 'eventType', 'event', 'topic'])
    summary.status = firstScalar(json, ['status', 'state', 'result'])
    summary.providerObjectId = firstScalar(json, ['id', 'uuid'])
    return summary
  }
  const form = parseFormBody(body)
  if (form !== null) {
    const summary = emptySummary('form')
    if (withFields) summary.fields = form.slice(0, MAX_SUMMARY_FIELDS).map(([label, value]) => ({ label, value: clip(maskPans(value)) }))
    return summary
  }
  if (!looksLikeText(body)) return emptySummary('binary')
  const head = body.subarray(0, 256).toString('utf8').trimStart()
  return emptySummary(head.startsWith('<') ? 'xml' : 'text')
}

function firstScalar(json: JsonValue, keys: string[]): string | null {
  if (!isObject(json)) return null
  for (const key of keys) {
    const value = text(json[key])
    if (value) return clip(value)
  }
  return null
}
