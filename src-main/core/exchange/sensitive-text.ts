/**
 * Finding sensitive values in free text, by pattern, in linear time (plain scanners, no regular
 * expressions that could backtrack): card numbers that pass the Luhn check, e-mail addresses,
 * and the endpoint's configured secrets. Field names that mark a value sensitive are here too,
 * so JSON, form and XML redaction share one rule.
 */
import { passesLuhn } from '../luhn'

export interface TextRules {
  /** Mask e-mail addresses (personal data). */
  emails: boolean
  /** Exact strings to remove wherever they appear (the endpoint's secrets). */
  secrets: readonly string[]
}

/** What one pass over a text changed, by kind, for the redaction list. */
export interface TextChanges {
  cardNumbers: number
  emails: number
  secrets: number
}

export const SECRET_PLACEHOLDER = '[secret removed]'

export function noChanges(): TextChanges {
  return { cardNumbers: 0, emails: 0, secrets: 0 }
}

/** Masks card numbers (and e-mails, secrets per `rules`) in `text`; counts into `changes`. */
export function maskSensitiveText(text: string, rules: TextRules, changes: TextChanges): string {
  let out = removeSecrets(text, rules.secrets, changes)
  out = maskCardNumbers(out, changes)
  if (rules.emails) out = maskEmails(out, changes)
  return out
}

function removeSecrets(text: string, secrets: readonly string[], changes: TextChanges): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length === 0 || !out.includes(secret)) continue
    const parts = out.split(secret)
    changes.secrets += parts.length - 1
    out = parts.join(SECRET_PLACEHOLDER)
  }
  return out
}

const MIN_PAN_DIGITS = 13
const MAX_PAN_DIGITS = 19

/**
 * Card numbers: 13-19 digits, optionally grouped by single spaces or dashes, not part of a
 * longer run of digits or letters, that pass the Luhn check. Kept: the first 6 and last 4
 * digits; the digits between become `*` (separators stay where they were).
 */
export function maskCardNumbers(text: string, changes: TextChanges): string {
  let out = ''
  let copiedUpTo = 0
  let index = 0
  while (index < text.length) {
    if (!isDigit(text.charCodeAt(index)) || (index > 0 && isWordChar(text.charCodeAt(index - 1)))) {
      index++
      continue
    }
    // A run of digits with single separators between them.
    let end = index
    let digitCount = 0
    while (end < text.length) {
      const code = text.charCodeAt(end)
      if (isDigit(code)) {
        digitCount++
        end++
      } else if ((code === 0x20 || code === 0x2d) && end + 1 < text.length && isDigit(text.charCodeAt(end + 1)) && digitCount > 0) end++
      else break
    }
    const isBounded = end >= text.length || !isWordChar(text.charCodeAt(end))
    if (isBounded && digitCount >= MIN_PAN_DIGITS) {
      for (const window of cardNumberWindows(text, index, end)) {
        out += text.slice(copiedUpTo, window.start) + maskDigits(text.slice(window.start, window.end))
        copiedUpTo = window.end
        changes.cardNumbers++
      }
    }
    index = end
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/**
 * The card numbers in a run of digit groups: the whole run when it has 13-19 digits and passes
 * Luhn, else (a number followed by more groups, "4111 1111 1111 1111 12 30") the first window
 * of whole groups (of 3 or more digits each), from each group on, that does. Windows never exceed
 * 19 digits, so this stays linear in the run's length.
 */
function cardNumberWindows(text: string, start: number, end: number): Array<{ start: number; end: number }> {
  const groups: Array<{ start: number; end: number; digits: number }> = []
  let groupStart = start
  for (let index = start; index <= end; index++) {
    if (index === end || !isDigit(text.charCodeAt(index))) {
      groups.push({ start: groupStart, end: index, digits: index - groupStart })
      groupStart = index + 1
    }
  }
  const windows: Array<{ start: number; end: number }> = []
  let first = 0
  while (first < groups.length) {
    let digits = 0
    let found = -1
    for (let last = first; last < groups.length; last++) {
      // Card numbers are printed in groups of 3 or more digits (4-4-4-4, 4-6-5, 4-4-4-4-3).
      if (groups[last]!.digits < 3) break
      digits += groups[last]!.digits
      if (digits > MAX_PAN_DIGITS) break
      if (digits >= MIN_PAN_DIGITS && passesLuhn(text.slice(groups[first]!.start, groups[last]!.end))) found = last
    }
    if (found < 0) {
      first++
      continue
    }
    windows.push({ start: groups[first]!.start, end: groups[found]!.end })
    first = found + 1
  }
  return windows
}

/** First 6 and last 4 digits kept, the others `*`, separators in place. */
export function maskDigits(text: string): string {
  let total = 0
  for (let index = 0; index < text.length; index++) if (isDigit(text.charCodeAt(index))) total++
  let seen = 0
  let out = ''
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (!isDigit(text.charCodeAt(index))) {
      out += char
      continue
    }
    seen++
    out += seen <= 6 || seen > total - 4 ? char : '*'
  }
  return out
}

/** Every digit becomes `*`; everything else stays, so an expiry date keeps its shape (`12/27` becomes stars around the slash). */
export function hideDigits(text: string): string {
  let out = ''
  for (let index = 0; index < text.length; index++) out += isDigit(text.charCodeAt(index)) ? '*' : text[index]
  return out
}

/** A name or other personal text: its first character and `***`. */
export function maskPersonalText(text: string): string {
  return text.length === 0 ? text : `${String.fromCodePoint(text.codePointAt(0)!)}***`
}

/**
 * E-mail addresses: found from each `@` outwards over the characters an address allows, so each
 * character is looked at a bounded number of times. `jane.doe@example.com` → `j***@example.com`.
 */
export function maskEmails(text: string, changes: TextChanges): string {
  let out = ''
  let copiedUpTo = 0
  let searchFrom = 0
  for (;;) {
    const at = text.indexOf('@', searchFrom)
    if (at < 0) break
    searchFrom = at + 1
    let localStart = at
    while (localStart > copiedUpTo && isLocalChar(text.charCodeAt(localStart - 1))) localStart--
    let domainEnd = at + 1
    while (domainEnd < text.length && isDomainChar(text.charCodeAt(domainEnd))) domainEnd++
    // A trailing dot ends the sentence, not the domain.
    while (domainEnd > at + 1 && text[domainEnd - 1] === '.') domainEnd--
    let lastDot = domainEnd - 1
    while (lastDot > at && text[lastDot] !== '.') lastDot--
    const hasLocal = localStart < at
    const hasDomain = lastDot > at + 1 && domainEnd - lastDot > 2
    if (!hasLocal || !hasDomain) continue
    out += `${text.slice(copiedUpTo, localStart)}${text.charAt(localStart)}***${text.slice(at, domainEnd)}`
    copiedUpTo = domainEnd
    searchFrom = domainEnd
    changes.emails++
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/** What a field's name says about its value. */
export type FieldRule = 'remove' | 'expiry' | 'name' | null

const SECURITY_CODE_NAMES = new Set([
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cid',
  'csc',
  'cvn',
  'cvd',
  'securitycode',
  'cardsecuritycode',
  'cardverificationcode',
  'cardverificationvalue',
  'verificationvalue',
  'cardcode',
])
const EXPIRY_NAMES = new Set(['exp', 'expmonth', 'expyear', 'expdate', 'expmm', 'expyy', 'expyyyy', 'cardexp', 'validthru', 'validto', 'mmyy', 'yymm'])
const NAME_NAMES = new Set([
  'nameoncard',
  'cardname',
  'accountowner',
  'accountholder',
  'walletowner',
  'firstname',
  'lastname',
  'fullname',
  'givenname',
  'familyname',
  'surname',
  'customername',
  'billingname',
  'billingdetailsname',
  'shippingname',
])

/** The rule for a field (JSON key, form field, XML element or attribute), by its name. */
export function fieldRuleOf(name: string, personalData: boolean): FieldRule {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (SECURITY_CODE_NAMES.has(normalized) || /(cvv|cvc|cvv2|cvc2|securitycode)$/.test(normalized)) return 'remove'
  if (EXPIRY_NAMES.has(normalized) || normalized.includes('expiry') || normalized.includes('expiration')) return 'expiry'
  if (personalData && (NAME_NAMES.has(normalized) || normalized.includes('cardholder') || normalized.endsWith('holdername') || normalized.endsWith('holder')))
    return 'name'
  return null
}

/**
 * The rule for a member (a JSON key, an XML element) given the member that holds it: its own
 * name's, else the two names together, as a form writes them flat (`card` and `name` as
 * `card_name`, a cardholder's; `card` and `code`, a security code).
 */
export function memberFieldRuleOf(parentName: string | null, name: string, personalData: boolean): FieldRule {
  return fieldRuleOf(name, personalData) ?? (parentName === null ? null : fieldRuleOf(`${parentName}${name}`, personalData))
}

/**
 * The rule for a form field's (or multipart part's) name, which may spell a path: `card[exp_month]`,
 * `card.cvc`, `billing_details[name]`. The whole name's rule, else each part's from the innermost
 * out, as JSON judges `{"card": {"exp_month": 12}}` (a part under an `expiry` part is an expiry).
 */
export function formFieldRuleOf(name: string, personalData: boolean): FieldRule {
  const whole = fieldRuleOf(name, personalData)
  if (whole !== null) return whole
  const parts = name.split(/[[\].]+/).filter((part) => part !== '')
  if (parts.length < 2) return null
  for (let index = parts.length - 1; index >= 0; index--) {
    const rule = memberFieldRuleOf(index > 0 ? parts[index - 1]! : null, parts[index]!, personalData)
    if (rule !== null) return rule
  }
  return null
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function isWordChar(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 0x5f
}

function isLocalChar(code: number): boolean {
  return isWordChar(code) || code === 0x2e || code === 0x2b || code === 0x2d || code === 0x25
}

function isDomainChar(code: number): boolean {
  return isWordChar(code) || code === 0x2e || code === 0x2d
}
