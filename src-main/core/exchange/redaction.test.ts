import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { ExchangeCapture } from './exchange-capture'
import { redactCaptures, type RedactionRequest } from './redaction'
import { maskCardNumbers, maskEmails, noChanges } from './sensitive-text'
import { passesLuhn } from '../luhn'
import { exchangeCapture } from '../../test-support/exchange-capture'
import { HTTP_TOKEN_PATTERN } from '../../shared/answer-catalog'

const SECRET = 'whsec_c2VjcmV0LWtleS0xMjM0NTY='

const FULL: RedactionRequest = { redact: true, personalData: true, secrets: [SECRET] }
const redactOne = (overrides: Partial<ExchangeCapture>, request: RedactionRequest = FULL) => {
  const result = redactCaptures([exchangeCapture(overrides)], request)
  return { capture: result.captures[0]!, redactions: result.redactions }
}

/** The members of a redacted CHIP-style body the tests read. */
interface ChipBody {
  transaction_data: { extra: { cardholder_name: string } }
  client: unknown
}

describe('card numbers by pattern', () => {
  it('masks Luhn-valid 13-19 digit numbers, with or without separators, to first 6 and last 4', () => {
    const cases: Array<[string, string]> = [
      ['4111111111111111', '411111******1111'],
      ['4111 1111 1111 1111', '4111 11** **** 1111'],
      ['4111-1111-1111-1111', '4111-11**-****-1111'],
      ['378282246310005', '378282*****0005'],
      ['4222222222222', '422222***2222'],
      ['6011000990139424', '601100******9424'],
      ['pan=5500000000000004;', 'pan=550000******0004;'],
    ]
    for (const [input, expected] of cases) expect(maskCardNumbers(input, noChanges())).toBe(expected)
  })

  it('keeps Luhn-invalid numbers, shorter and longer runs, and digits inside words', () => {
    for (const kept of ['4111111111111112', '123456789012', '41111111111111111111111', 'id4111111111111111', '4111111111111111x', '2026-12-06 10:00:00']) {
      expect(maskCardNumbers(kept, noChanges())).toBe(kept)
    }
    expect(passesLuhn('79927398713')).toBe(true)
  })

  it('finds a card number followed by more digit groups', () => {
    expect(maskCardNumbers('card 4111 1111 1111 1111 12 30 end', noChanges())).toMatch(/^card 4111 11\*\* \*\*\*\* 1111/)
  })

  it('stays linear on adversarial input', () => {
    const digits = '1 '.repeat(500_000)
    expect(maskCardNumbers(digits, noChanges())).toHaveLength(digits.length)
    const ats = 'a@'.repeat(500_000)
    expect(maskEmails(ats, noChanges())).toBe(ats)
    const dots = `x@${'ab.'.repeat(500_000)}`
    expect(maskEmails(dots, noChanges()).startsWith('x***@')).toBe(true)
  })
})

describe('redacted export', () => {
  it('JSON: card numbers in strings and numbers, security code removed, expiry and names masked; IXOPAY card block', () => {
    const body = JSON.stringify(
      {
        result: 'OK',
        merchantTransactionId: '4111111111111112',
        cardNumber: 4111111111111111,
        returnData: {
          _TYPE: 'cardData',
          type: 'visa',
          cardHolder: 'Jane Doe',
          expiryMonth: '12',
          expiryYear: 2030,
          firstSixDigits: '411111',
          lastFourDigits: '1111',
          cvv: '737',
        },
        customer: { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@example.com' },
        nested: [{ pan: '5500 0000 0000 0004', security_code: 123 }, 'text with 4111-1111-1111-1111 inside'],
      },
      null,
      2,
    )
    const { capture: out, redactions } = redactOne({ headers: [['Content-Type', 'application/json']], body: Buffer.from(body) })
    const parsed = JSON.parse(out.body.toString())
    expect(parsed).toEqual({
      result: 'OK',
      merchantTransactionId: '4111111111111112',
      cardNumber: '411111******1111',
      returnData: {
        _TYPE: 'cardData',
        type: 'visa',
        cardHolder: 'J***',
        expiryMonth: '**',
        expiryYear: '****',
        firstSixDigits: '411111',
        lastFourDigits: '1111',
      },
      customer: { firstName: 'J***', lastName: 'D***', email: 'j***@example.com' },
      nested: [{ pan: '5500 00** **** 0004' }, 'text with 4111-11**-****-1111 inside'],
    })
    expect(redactions).toEqual(
      expect.arrayContaining([
        { capture: 0, location: 'body $.returnData.cvv', action: 'removed' },
        { capture: 0, location: 'body $.nested[0].security_code', action: 'removed' },
        { capture: 0, location: 'body $.returnData.expiryMonth', action: 'expiry masked' },
        { capture: 0, location: 'body', action: '3 card numbers masked to first 6 and last 4 digits' },
      ]),
    )
  })

  it('JSON: CHIP card block (snake_case), e-mails kept unless personal data is asked for', () => {
    const body = JSON.stringify({
      transaction_data: {
        extra: { card_brand: 'visa', masked_pan: '411111******1111', cardholder_name: 'AHMAD TEST', expiry_month: 1, expiry_year: 27, cvc: '123' },
      },
      client: { email: 'customer@example.com', full_name: 'Ahmad Test' },
    })
    const withoutPersonal = JSON.parse(
      redactOne({ headers: [['Content-Type', 'application/json']], body: Buffer.from(body) }, { ...FULL, personalData: false }).capture.body.toString(),
    ) as ChipBody
    expect(withoutPersonal.transaction_data.extra).toEqual({
      card_brand: 'visa',
      masked_pan: '411111******1111',
      cardholder_name: 'AHMAD TEST',
      expiry_month: '*',
      expiry_year: '**',
    })
    expect(withoutPersonal.client).toEqual({ email: 'customer@example.com', full_name: 'Ahmad Test' })
    const withPersonal = JSON.parse(redactOne({ headers: [['Content-Type', 'application/json']], body: Buffer.from(body) }).capture.body.toString()) as ChipBody
    expect(withPersonal.transaction_data.extra.cardholder_name).toBe('A***')
    expect(withPersonal.client).toEqual({ email: 'c***@example.com', full_name: 'A***' })
  })

  it('form bodies and query strings: fields by name, values by pattern, order and encoding kept', () => {
    const { capture: out } = redactOne({
      target: '/default/cb?order=4111111111111112&card=4111+1111+1111+1111&cvc=123&exp=12%2F30',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: Buffer.from('amount=9.99&card_number=4111111111111111&card_cvv=123&expiry=12%2F30&cardholder=Jane+Doe&email=a%40b.io'),
    })
    expect(out.target).toBe('/default/cb?order=4111111111111112&card=4111+11**+****+1111&exp=**%2F**')
    expect(out.body.toString()).toBe('amount=9.99&card_number=411111******1111&expiry=**%2F**&cardholder=J***&email=a***%40b.io')
  })

  it('form fields named as a path, percent-encoded names, malformed escapes, repeated and bare fields, in the body and the query', () => {
    // Stripe's form: card[exp_month] went out as sent (the whole name matched no rule), and one
    // malformed escape left a name or value undecoded (card%5Bcvc%5D%ZZ kept, %34111… kept).
    const { capture: out, redactions } = redactOne({
      target: '/default/cb?card[cvc]=123&card%5Bexp_year%5D=2030&cvc&x=%34111111111111111%zz',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: Buffer.from(
        [
          'card[number]=4111111111111111',
          'card[cvc]=123',
          'card[exp_month]=12',
          'card%5Bexp_year%5D=2030',
          'card.expiry.month=07',
          'billing_details[name]=Jane+Doe',
          'card%5Bcvc%5D%ZZ=999',
          'cvv%=998',
          'pan=%34111111111111111%zz',
          'CVV=1',
          'Cvc2=2',
          'cvc=3',
          'cvc',
          'cvv=',
          'cardholder=',
          'cardholder',
          '4111111111111111',
          'name=',
          'amount=9.99',
        ].join('&'),
      ),
    })
    expect(out.body.toString()).toBe(
      [
        'card[number]=411111******1111',
        'card[exp_month]=**',
        'card%5Bexp_year%5D=****',
        'card.expiry.month=**',
        'billing_details[name]=J***',
        'pan=411111******1111%25zz',
        'cardholder=',
        'cardholder',
        '411111******1111',
        'name=',
        'amount=9.99',
      ].join('&'),
    )
    expect(out.target).toBe('/default/cb?card%5Bexp_year%5D=****&x=411111******1111%25zz')
    expect(redactions.map((item) => `${item.location}: ${item.action}`)).toEqual(
      expect.arrayContaining(['body card[exp_month]: expiry masked', 'body card[cvc]%ZZ: removed', 'query card[cvc]: removed', 'query cvc: removed']),
    )
  })

  it('a form sent without a Content-Type, or as text/plain, is read as a form; other text is not', () => {
    // Masked by pattern only, its cvc and expiry went out as sent.
    for (const headers of [[], [['Content-Type', 'text/plain; charset=utf-8']]] as Array<Array<[string, string]>>) {
      const out = redactOne({ headers, body: Buffer.from('card_number=4111111111111111&cvc=123&exp_month=12&note=a+b') }).capture
      expect(out.body.toString()).toBe('card_number=411111******1111&exp_month=**&note=a+b')
    }
    const prose = 'Dear team, cvc=123 & exp_month=12 were sent.'
    expect(redactOne({ headers: [['Content-Type', 'text/plain']], body: Buffer.from(prose) }).capture.body.toString()).toBe(prose)
  })

  it('a form whose fields are separated by ; (as older providers send) is read field by field, in the body, the query and without a Content-Type', () => {
    // Read as one field (merchant_id) whose value held the rest, its security code and expiry went out as sent.
    const { capture: out, redactions } = redactOne({
      target: '/default/legacy?ref=ORD-2026-000482;cvc=737;exp=1227',
      headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=ISO-8859-1']],
      body: Buffer.from(
        'merchant_id=10004711;order_id=ORD-2026-000482;amount=49.90;currency=EUR;card_number=4111111111111111;card_cvv=737;exp_date=12%2F27;cardholder=Jane+Doe;status=APPROVED&auth_code=A1B2C3',
      ),
    })
    expect(out.body.toString()).toBe(
      'merchant_id=10004711;order_id=ORD-2026-000482;amount=49.90;currency=EUR;card_number=411111******1111;exp_date=**%2F**;cardholder=J***;status=APPROVED&auth_code=A1B2C3',
    )
    expect(out.target).toBe('/default/legacy?ref=ORD-2026-000482;exp=****')
    expect(redactions.map((item) => `${item.location}: ${item.action}`)).toEqual(
      expect.arrayContaining(['body card_cvv: removed', 'body exp_date: expiry masked', 'body cardholder: name masked', 'query cvc: removed']),
    )
    // The first field removed takes no separator with it; a ; kept at the end stays.
    const bare = redactOne({ headers: [], body: Buffer.from('cvc=123;card_number=4111111111111111;exp_month=12;') }).capture
    expect(bare.body.toString()).toBe('card_number=411111******1111;exp_month=**;')
  })

  it('a form inside a JSON string (a forwarded notification) is read field by field', () => {
    // Masked by pattern only: its cvv2, expiry and holder's name went out as sent.
    const body = {
      id: 'evt_1Q2w3E4r5T',
      type: 'notification.forwarded',
      data: {
        content_type: 'application/x-www-form-urlencoded',
        raw_body:
          'merchant_id=10004711&order_id=ORD-2026-000482&card_number=4111111111111111&cvv2=737&exp_month=12&exp_year=2027&holder_name=Jane+Doe&amount=49.90',
        legacy: 'orderID=ORD-2026-000482;CVC=737;EXPDATE=1227;PAYID=3051234567',
        note: 'paid by card, see order=ORD-2026-000482',
      },
    }
    const { capture: out, redactions } = redactOne({ headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(body)) })
    expect(JSON.parse(out.body.toString())).toEqual({
      ...body,
      data: {
        ...body.data,
        raw_body: 'merchant_id=10004711&order_id=ORD-2026-000482&card_number=411111******1111&exp_month=**&exp_year=****&holder_name=J***&amount=49.90',
        legacy: 'orderID=ORD-2026-000482;EXPDATE=****;PAYID=3051234567',
      },
    })
    expect(redactions.map((item) => `${item.location}: ${item.action}`)).toEqual(
      expect.arrayContaining([
        'body $.data.raw_body (form) cvv2: removed',
        'body $.data.raw_body (form) exp_month: expiry masked',
        'body $.data.raw_body (form) holder_name: name masked',
        'body $.data.legacy (form) CVC: removed',
      ]),
    )
  })

  it("JSON and XML members judged with the member holding them: a card's name and code", () => {
    const json = redactOne({
      headers: [['Content-Type', 'application/json']],
      body: Buffer.from('{"card":{"number":"4111111111111111","code":"123","name":"Jane Doe"},"billing_details":{"name":"Jane Doe"},"product":{"name":"Tea"}}'),
    }).capture
    expect(json.body.toString()).toBe('{"card":{"number":"411111******1111","name":"J***"},"billing_details":{"name":"J***"},"product":{"name":"Tea"}}')
    const xml = redactOne({
      headers: [['Content-Type', 'text/xml']],
      body: Buffer.from('<Card><Code>123</Code><Name>Jane Doe</Name></Card><Item><Name>Tea</Name></Item>'),
    }).capture
    expect(xml.body.toString()).toBe('<Card><Name>J***</Name></Card><Item><Name>Tea</Name></Item>')
  })

  it('multipart forms: parts judged by their field name, their content by its type, a file part kept byte for byte', () => {
    // A multipart body was masked by pattern only: its cvc, expiry and cardholder parts went out as sent.
    const part = (headers: string, content: Buffer | string) =>
      Buffer.concat([Buffer.from(`--XyZ\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')])
    const file = Buffer.from([0xff, 0xfe, 0x00, 0x34, 0x31, 0x0d, 0x0a, 0x2d, 0x2d, 0x58])
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="card_number"', '4111111111111111'),
      part('Content-Disposition: form-data; name="card[cvc]"', '123'),
      part('Content-Disposition: form-data; name="exp_month"', '12'),
      part('Content-Disposition: form-data; name="cardholder"', 'Jane Doe'),
      part('Content-Disposition: form-data; name="data"\r\nContent-Type: application/json', '{"cvv":"999","pan":"5500000000000004"}'),
      part('Content-Disposition: form-data; name="receipt"; filename="r.bin"\r\nContent-Type: application/octet-stream', file),
      Buffer.from('--XyZ--\r\n'),
    ])
    const { capture: out, redactions } = redactOne({ headers: [['Content-Type', 'multipart/form-data; boundary="XyZ"']], body })
    const expected = Buffer.concat([
      part('Content-Disposition: form-data; name="card_number"', '411111******1111'),
      part('Content-Disposition: form-data; name="exp_month"', '**'),
      part('Content-Disposition: form-data; name="cardholder"', 'J***'),
      part('Content-Disposition: form-data; name="data"\r\nContent-Type: application/json', '{"pan":"550000******0004"}'),
      part('Content-Disposition: form-data; name="receipt"; filename="r.bin"\r\nContent-Type: application/octet-stream', file),
      Buffer.from('--XyZ--\r\n'),
    ])
    expect(out.body.toString('latin1')).toBe(expected.toString('latin1'))
    expect(redactions.map((item) => `${item.location}: ${item.action}`)).toEqual(
      expect.arrayContaining(['body part "card[cvc]": removed', 'body part "exp_month": expiry masked', 'body part "data" $.cvv: removed']),
    )
  })

  it('headers judged by their name as body fields are: a security code removed, an expiry and a cardholder masked', () => {
    const { capture: out } = redactOne({
      headers: [
        ['X-Card-CVV', '123'],
        ['X-Card-Expiry', '12/30'],
        ['X-Cardholder', 'Jane Doe'],
        ['Expires', 'Thu, 01 Dec 2026 16:00:00 GMT'],
      ],
    })
    expect(out.headers).toEqual([
      ['X-Card-Expiry', '**/**'],
      ['X-Cardholder', 'J***'],
      ['Expires', 'Thu, 01 Dec 2026 16:00:00 GMT'],
    ])
  })

  it('XML elements and attributes', () => {
    const body =
      '<?xml version="1.0"?><Callback><Card number="5500000000000004" cvv="999"><Pan>4111 1111 1111 1111</Pan><CVC>123</CVC><ExpiryDate>12/30</ExpiryDate><CardHolder>Jane Doe</CardHolder></Card><Order>4111111111111112</Order><Mail>jane@example.com</Mail></Callback>'
    const { capture: out } = redactOne({ headers: [['Content-Type', 'text/xml']], body: Buffer.from(body) })
    expect(out.body.toString()).toBe(
      '<?xml version="1.0"?><Callback><Card number="550000******0004"><Pan>4111 11** **** 1111</Pan><ExpiryDate>**/**</ExpiryDate><CardHolder>J***</CardHolder></Card><Order>4111111111111112</Order><Mail>j***@example.com</Mail></Callback>',
    )
  })

  it('headers: credentials and signatures removed, card numbers in other values masked, Content-Length kept true', () => {
    const body = Buffer.from('{"pan":"4111111111111111"}')
    const { capture: out, redactions } = redactOne({
      headers: [
        ['Authorization', 'Bearer x'],
        ['Cookie', 'a=b'],
        ['X-API-Key', 'k'],
        ['Stripe-Signature', 't=1,v1=x'],
        ['X-Hub-Signature-256', 'sha256=x'],
        ['X-Shopify-Hmac-Sha256', 'x'],
        ['PAYPAL-TRANSMISSION-SIG', 'x'],
        ['X-Card', '4111111111111111'],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(body.length)],
      ],
      body,
    })
    expect(out.headers).toEqual([
      ['X-Card', '411111******1111'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(out.body.length)],
    ])
    expect(redactions.filter((item) => item.action.startsWith('removed (credential'))).toHaveLength(7)
  })

  it('plain text, non-UTF-8 and compressed bodies are searched too; resend history is left out', async () => {
    const { gzipSync } = await import('node:zlib')
    const latin1 = redactOne({
      headers: [['Content-Type', 'text/plain; charset=iso-8859-1']],
      body: Buffer.from('Kunde M\xfcller, Karte 4111111111111111', 'latin1'),
    }).capture
    expect(latin1.body.toString('latin1')).toBe('Kunde M\xfcller, Karte 411111******1111')
    const gzipped = redactOne({
      headers: [
        ['Content-Encoding', 'gzip'],
        ['Content-Type', 'application/json'],
      ],
      body: gzipSync('{"cvv":"1","pan":"4111111111111111"}'),
    })
    expect(gzipped.capture.body.toString()).toBe('{"pan":"411111******1111"}')
    expect(gzipped.capture.headers).toEqual([['Content-Type', 'application/json']])
    const history = redactOne({ resends: [{ id: 'r' } as unknown as ExchangeCapture['resends'][number]] })
    expect(history.capture.resends).toEqual([])
  })

  it('removes configured secrets from every export, redacted or not, and lists them', () => {
    const input = {
      target: `/default/cb?key=${SECRET}`,
      headers: [['X-Echo', `secret is ${SECRET}`]] as Array<[string, string]>,
      body: Buffer.from(`{"s":"${SECRET}","b":"c2VjcmV0LWtleS0xMjM0NTY="}`),
      note: `pasted ${SECRET}`,
    }
    for (const redact of [false, true]) {
      const result = redactCaptures([exchangeCapture(input)], { redact, personalData: false, secrets: [SECRET, 'c2VjcmV0LWtleS0xMjM0NTY=', 'short'] })
      const text = JSON.stringify({ ...result.captures[0], body: result.captures[0]!.body.toString('latin1') })
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain('c2VjcmV0LWtleS0xMjM0NTY=')
      expect(result.redactions.some((item) => item.action === 'configured secret removed')).toBe(true)
    }
    // Unredacted exports keep everything else byte for byte.
    const plain = redactCaptures([exchangeCapture({ body: Buffer.from([0, 255, 1]) })], { redact: false, personalData: false, secrets: [SECRET] })
    expect(plain.captures[0]!.body).toEqual(Buffer.from([0, 255, 1]))
    expect(plain.redactions).toEqual([])
  })

  it('removes a configured secret in the encoded forms it travels in, from every export, and keeps the rest byte for byte', () => {
    const secret = 'ixopay-test-shared-secret-3f9a2c'
    const percent = secret.replaceAll('-', '%2D')
    const escaped = `\\u0069${secret.slice(1)}`
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`{"s":"${secret}"}`, 'utf16le')])
    const cases: Array<{ name: string; capture: Partial<ExchangeCapture>; spelled: (capture: ExchangeCapture) => boolean }> = [
      { name: 'percent-encoded query', capture: { target: `/cb?a=1&s=${percent}&b=2` }, spelled: (c) => decodeURIComponent(c.target).includes(secret) },
      {
        name: 'percent-encoded form body',
        capture: { headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(`a=1&s=${percent}`) },
        spelled: (c) => decodeURIComponent(c.body.toString('latin1')).includes(secret),
      },
      {
        name: 'JSON escape',
        capture: { body: Buffer.from(`{"s":"${escaped}","t":"x\\ny"}`) },
        spelled: (c) => JSON.stringify(JSON.parse(c.body.toString())).includes(secret),
      },
      {
        name: 'Basic credentials',
        capture: { headers: [['Authorization', `Basic ${Buffer.from(`merchant:${secret}`).toString('base64')}`]] },
        spelled: (c) => c.headers.some(([header, value]) => header === 'Authorization' && Buffer.from(value.slice(6), 'base64').toString().includes(secret)),
      },
      {
        name: 'UTF-16 body',
        capture: { headers: [['Content-Type', 'application/json; charset=utf-16']], body: utf16 },
        spelled: (c) => c.body.toString('utf16le').includes(secret),
      },
      {
        name: 'gzip body',
        capture: { headers: [['Content-Encoding', 'gzip']], body: gzipSync(`{"s":"${secret}"}`) },
        spelled: (c) => (c.headers.some(([name]) => name === 'Content-Encoding') ? gunzipSync(c.body) : c.body).toString().includes(secret),
      },
      {
        name: 'resend history bodies',
        capture: {
          resends: [
            {
              id: 'r',
              sent: { headers: [['Content-Type', 'text/plain']], bodyBase64: Buffer.from(`echo ${secret}`).toString('base64') },
              outcome: { kind: 'response', response: { headers: [], bodyBase64: Buffer.from(`you sent ${secret}`).toString('base64') } },
            } as unknown as ExchangeCapture['resends'][number],
          ],
        },
        spelled: (c) => JSON.stringify(c.resends).includes(Buffer.from(secret).toString('base64').slice(0, 20)) || decodedResendBodies(c).includes(secret),
      },
    ]
    for (const { name, capture, spelled } of cases) {
      for (const redact of [false, true]) {
        const original = exchangeCapture(capture)
        expect(spelled(original), `${name}: the test spells the secret`).toBe(true)
        const result = redactCaptures([original], { redact, personalData: false, secrets: [secret] })
        expect(spelled(result.captures[0]!), `${name}, redact=${redact}`).toBe(false)
        // Listed (a redacted export may have removed it for another reason first, e.g. as a credential header).
        if (!redact) expect(result.redactions, name).toContainEqual(expect.objectContaining({ action: expect.stringContaining('configured secret removed') }))
        else expect(result.redactions.length, name).toBeGreaterThan(0)
      }
    }
    // Only the span that spelled the secret changes in an unredacted export.
    const query = redactCaptures([exchangeCapture({ target: `/cb?a=%41&s=x${percent}y&b=2` })], { redact: false, personalData: false, secrets: [secret] })
    // In a target the placeholder is percent-encoded: a target cannot hold a space.
    expect(query.captures[0]!.target).toBe('/cb?a=%41&s=x%5Bsecret%20removed%5Dy&b=2')
    for (const redact of [false, true]) {
      const raw = redactCaptures([exchangeCapture({ target: `/cb?s=${secret}` })], { redact, personalData: false, secrets: [secret] })
      const target = raw.captures[0]!.target
      expect(target, `redact=${redact}`).not.toMatch(/\s/)
      expect(decodeURIComponent(target.replaceAll('+', ' ')), `redact=${redact}`).toBe('/cb?s=[secret removed]')
    }
    const json = redactCaptures([exchangeCapture({ body: Buffer.from(`{"t":"x\\ny","s":"${escaped}"}`) })], {
      redact: false,
      personalData: false,
      secrets: [secret],
    })
    expect(json.captures[0]!.body.toString()).toBe('{"t":"x\\ny","s":"[secret removed]"}')
  })

  it('removes a base64 or base64url value that decodes to text holding a configured secret, however it is written, and keeps other base64', () => {
    const secret = 'ixopay-test-shared-secret-3f9a2c'
    const base64 = (text: string) => Buffer.from(text).toString('base64')
    const base64url = (text: string) => Buffer.from(text).toString('base64url')
    // A value whose base64 holds '/' (escaped as \/ by PHP's json_encode) and '+' (percent-encoded in a query).
    let withSlash = base64(`{"key":"${secret}"}`)
    for (let pad = 1; !withSlash.includes('/'); pad++) withSlash = base64(`${'?'.repeat(pad)}{"key":"${secret}"}`)
    let withPlus = base64(`k=${secret}`)
    for (let pad = 1; !withPlus.includes('+'); pad++) withPlus = base64(`${'>'.repeat(pad)}k=${secret}`)
    const wrapped = (base64(`-----BEGIN-----\n${'x'.repeat(90)} ${secret} ${'y'.repeat(90)}\n`).match(/.{1,76}/g) ?? []).join('\r\n')
    const kept = base64('{"key":"not the secret at all"}')
    const cases: Array<{ name: string; capture: Partial<ExchangeCapture>; text: (capture: ExchangeCapture) => string }> = [
      {
        name: 'JSON field',
        capture: { body: Buffer.from(`{"payload":"${base64(`{"merchant":"m","apiKey":"${secret}"}`)}","other":"${kept}"}`) },
        text: (c) => c.body.toString('latin1'),
      },
      { name: 'JSON field, slashes escaped', capture: { body: Buffer.from(`{"p":"${withSlash.replaceAll('/', '\\/')}"}`) }, text: (c) => c.body.toString() },
      { name: 'base64url without padding in a query', capture: { target: `/cb?state=${base64url(`nonce.${secret}`)}&x=1` }, text: (c) => c.target },
      { name: 'percent-encoded base64 in a query', capture: { target: `/cb?d=${encodeURIComponent(withPlus)}` }, text: (c) => c.target },
      { name: 'after a path, not aligned', capture: { target: `/hooks/a/${base64url(`${secret}!`)}` }, text: (c) => c.target },
      {
        name: 'line-wrapped text body',
        capture: { headers: [['Content-Type', 'text/plain']], body: Buffer.from(`attachment:\r\n${wrapped}\r\n`) },
        text: (c) => c.body.toString('latin1'),
      },
      {
        name: 'header value',
        capture: { headers: [['X-Context', base64(`{"s":"${secret}"}`)]] },
        text: (c) => c.headers.map((pair) => pair.join(': ')).join('\n'),
      },
      { name: 'note', capture: { note: `token ${base64(`user:${secret}`)} pasted` }, text: (c) => c.note ?? '' },
    ]
    for (const { name, capture, text } of cases) {
      for (const redact of [false, true]) {
        const original = exchangeCapture(capture)
        expect(decodedBase64Runs(text(original)), `${name}: the test hides the secret in base64`).toContain(secret)
        const result = redactCaptures([original], { redact, personalData: false, secrets: [secret] })
        expect(decodedBase64Runs(text(result.captures[0]!)), `${name}, redact=${redact}`).not.toContain(secret)
        expect(text(result.captures[0]!), `${name}, redact=${redact}`).not.toContain(secret)
        if (!redact || name === 'note') {
          expect(result.redactions, name).toContainEqual(
            expect.objectContaining({ action: expect.stringContaining('base64 value that decodes to text holding it') }),
          )
        }
      }
    }
    // Only that value goes, and base64 that holds no secret stays as it was.
    const json = redactCaptures([exchangeCapture(cases[0]!.capture)], { redact: false, personalData: false, secrets: [secret] })
    expect(json.captures[0]!.body.toString()).toBe(`{"payload":"[secret removed]","other":"${kept}"}`)
    const plain = redactCaptures([exchangeCapture({ body: Buffer.from(`{"other":"${kept}","n":"${base64url('x'.repeat(40))}"}`) })], {
      redact: false,
      personalData: false,
      secrets: [secret],
    })
    expect(plain.redactions).toEqual([])
  })

  it('looks through a 10 MB base64 body (one run) for a secret', () => {
    const secret = 'ixopay-test-shared-secret-3f9a2c'
    const noise = Buffer.alloc(7_500_000, 7)
    for (const hidden of [false, true]) {
      const bytes = hidden ? Buffer.concat([noise, Buffer.from(`x${secret}`)]) : noise
      const body = Buffer.from(bytes.toString('base64'))
      const result = redactCaptures([exchangeCapture({ headers: [['Content-Type', 'text/plain']], body })], {
        redact: false,
        personalData: false,
        secrets: [secret],
      })
      expect(result.captures[0]!.body.equals(body), `hidden=${hidden}`).toBe(!hidden)
      if (hidden) expect(result.captures[0]!.body.toString()).toBe('[secret removed]')
    }
  })

  it('removes a configured secret from what the app derived or recorded beside the request, and from a query that writes its spaces as +', () => {
    const secret = 'shared secret with spaces 42'
    const capture = exchangeCapture({
      target: `/cb?k=${secret.replaceAll(' ', '+')}&x=1`,
      body: Buffer.from(`k=${secret.replaceAll(' ', '+')}`),
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      recognition: {
        provider: { id: 'ixopay', name: 'IXOPAY' },
        summary: { reference: `ref ${secret}`, objectId: null },
        verdict: { status: 'invalid', message: `expected a signature over "${secret}"` },
      } as unknown as ExchangeCapture['recognition'],
      refusal: { reason: 'too-large', message: `body with ${secret}` } as unknown as ExchangeCapture['refusal'],
      forward: { state: 'failed', targetUrl: 'http://127.0.0.1:1/', error: `the target answered "${secret}"` } as unknown as ExchangeCapture['forward'],
      importedFrom: `HAR ${secret}.har, entry 1`,
      response: {
        kind: 'respond',
        status: 200,
        headers: [],
        bodyBase64: '',
        delayMs: 0,
        chosenBy: { kind: 'rule', ruleId: 'r1', ruleName: `rule for ${secret}` },
      } as unknown as ExchangeCapture['response'],
    })
    for (const redact of [false, true]) {
      const result = redactCaptures([capture], { redact, personalData: false, secrets: [secret] })
      const out = result.captures[0]!
      const text = JSON.stringify({ ...out, body: out.body.toString('latin1') })
      expect(text, `redact=${redact}`).not.toContain(secret)
      // As HAR's queryString and postData.params read them.
      expect(decodeURIComponent(out.target.replaceAll('+', ' ')), `redact=${redact}`).not.toContain(secret)
      expect(decodeURIComponent(out.body.toString('latin1').replaceAll('+', ' ')), `redact=${redact}`).not.toContain(secret)
    }
  })
})

describe('configured secrets where the sender or the user named things', () => {
  const secret = 'ixopay-test-shared-secret-3f9a2c'

  it('are removed from header names, the endpoint name and slug, the method, and the list of changes', () => {
    const capture = exchangeCapture({
      method: `POST-${secret}`,
      endpoint: { name: `Shop (${secret})`, slug: `shop-${secret}` },
      headers: [
        [`X-${secret}`, 'first'],
        [`X-Context-${Buffer.from(secret).toString('base64url')}`, 'second'],
        // A signature header by its name: a redacted export removes it, and lists it by that name.
        [`X-Signature-${secret}`, 'sha256=abc'],
        ['Content-Type', 'text/plain'],
      ],
    })
    for (const redact of [false, true]) {
      const result = redactCaptures([capture], { redact, personalData: false, secrets: [secret] })
      const out = result.captures[0]!
      const text = JSON.stringify({ ...out, body: '' }) + JSON.stringify(result.redactions)
      expect(text, `redact=${redact}`).not.toContain(secret)
      expect(decodedBase64Runs(text), `redact=${redact}`).not.toContain(secret)
      // Still a message that can be written, sent and imported back.
      for (const [name] of out.headers) expect(name, `redact=${redact}`).toMatch(HTTP_TOKEN_PATTERN)
      expect(out.method).toMatch(HTTP_TOKEN_PATTERN)
      expect(out.endpoint).toEqual({ name: 'Shop ([secret removed])', slug: 'shop-secret-removed' })
      // (A redacted export removes this one: a name with "secret" in it reads as a credential.)
      if (!redact) {
        expect(out.headers[0]).toEqual(['X-secret-removed', 'first'])
        expect(result.redactions).toContainEqual({ capture: 0, location: 'header X-secret-removed', action: 'configured secret removed from the header name' })
      }
      expect(result.redactions).toContainEqual({ capture: 0, location: 'endpoint slug', action: 'configured secret removed' })
    }
    const redacted = redactCaptures([capture], { redact: true, personalData: false, secrets: [secret] })
    expect(redacted.redactions).toContainEqual({ capture: 0, location: 'header X-Signature-[secret removed]', action: 'removed (credential or signature)' })
  })

  it('are removed from base64 whose characters a JSON encoder escaped (\\u002F, \\u002B, \\/), where the escape falls inside the encoded secret', () => {
    // A secret whose encoding holds both / and + at every alignment: ? is 0x3f, > is 0x3e.
    const tricky = 'hook-secret-???>>>???-2026'
    const escapes: Array<[string, (base64: string) => string]> = [
      ['\\u002F', (base64) => base64.replaceAll('/', '\\u002F')],
      ['\\u002f', (base64) => base64.replaceAll('/', '\\u002f')],
      ['\\u002B', (base64) => base64.replaceAll('+', '\\u002B').replaceAll('/', '\\/')],
      ['every character', (base64) => [...base64].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
    ]
    for (const lead of ['', 'a', 'ab']) {
      const base64 = Buffer.from(`${lead}{"key":"${tricky}"}`).toString('base64')
      expect(base64).toMatch(/\//)
      expect(base64).toMatch(/\+/)
      for (const [name, escape] of escapes) {
        const body = Buffer.from(`{"p":"${escape(base64)}","q":"kept"}`)
        // The test hides the secret: a JSON reader gets the base64 back.
        expect(Buffer.from((JSON.parse(body.toString()) as { p: string }).p, 'base64').toString()).toContain(tricky)
        for (const redact of [false, true]) {
          const result = redactCaptures([exchangeCapture({ headers: [['Content-Type', 'application/json']], body })], {
            redact,
            personalData: false,
            secrets: [tricky],
          })
          const out = result.captures[0]!.body.toString()
          expect(out, `${name}, lead ${lead.length}, redact=${redact}`).toBe('{"p":"[secret removed]","q":"kept"}')
        }
      }
    }
  })

  it('are removed from a compressed body (gzip, deflate), base64-encoded inside it too, and the body is exported expanded and listed', () => {
    const inner = `{"payload":"${Buffer.from(`{"apiKey":"${secret}"}`).toString('base64').replaceAll('/', '\\/')}","kept":"yes"}`
    const codings: Array<[string, (text: string) => Buffer]> = [
      ['gzip', (text) => gzipSync(text)],
      ['deflate', (text) => deflateSync(text)],
      ['deflate', (text) => deflateRawSync(text)],
      ['gzip, deflate', (text) => deflateSync(gzipSync(text))],
    ]
    for (const [encoding, compress] of codings) {
      for (const redact of [false, true]) {
        const body = compress(inner)
        const result = redactCaptures(
          [
            exchangeCapture({
              headers: [
                ['Content-Type', 'application/json'],
                ['Content-Encoding', encoding],
                ['Content-Length', String(body.length)],
              ],
              body,
            }),
          ],
          { redact, personalData: false, secrets: [secret] },
        )
        const out = result.captures[0]!
        expect(out.body.toString(), `${encoding}, redact=${redact}`).toBe('{"payload":"[secret removed]","kept":"yes"}')
        expect(out.headers, `${encoding}, redact=${redact}`).toEqual([
          ['Content-Type', 'application/json'],
          ['Content-Length', String(out.body.length)],
        ])
        expect(result.redactions.map((item) => item.action).join('\n'), `${encoding}, redact=${redact}`).toMatch(/decompress/)
      }
    }
  })

  it('leave out a compressed body that cannot be expanded to look inside, and one whose gzip header names a secret is exported expanded', () => {
    const full = gzipSync(`{"note":"${'x'.repeat(2000)}","apiKey":"${secret}","tail":"${'y'.repeat(2000)}"}`)
    // Cut off before its end: gunzip refuses it, but a reader that goes as far as it can reads the secret.
    const truncated = full.subarray(0, full.length - 40)
    expect(() => gunzipSync(truncated)).toThrow()
    for (const [name, body] of [
      ['truncated gzip', truncated],
      ['zstd the app does not read', Buffer.from(`(zstd frame) ${secret}`)],
    ] as const) {
      for (const redact of [false, true]) {
        const encoding = name.startsWith('zstd') ? 'zstd' : 'gzip'
        const result = redactCaptures([exchangeCapture({ headers: [['Content-Encoding', encoding]], body })], {
          redact,
          personalData: false,
          secrets: [secret],
        })
        const out = result.captures[0]!
        expect(out.body.length, `${name}, redact=${redact}`).toBe(0)
        expect(out.headers, `${name}, redact=${redact}`).toEqual([])
        expect(result.redactions.length, `${name}, redact=${redact}`).toBeGreaterThan(0)
      }
    }
    // With no configured secret there is nothing to look for: an unredacted export keeps it as received.
    const plain = redactCaptures([exchangeCapture({ headers: [['Content-Encoding', 'gzip']], body: truncated })], {
      redact: false,
      personalData: false,
      secrets: [],
    })
    expect(plain.captures[0]!.body.equals(truncated)).toBe(true)

    // gzip's header may carry a file name (FNAME): here, the secret. The expanded body holds none.
    const named = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3]), Buffer.from(`${secret}.json\0`), gzipSync('{"ok":true}').subarray(10)])
    expect(gunzipSync(named).toString()).toBe('{"ok":true}')
    const result = redactCaptures([exchangeCapture({ headers: [['Content-Encoding', 'gzip']], body: named })], {
      redact: false,
      personalData: false,
      secrets: [secret],
    })
    expect(result.captures[0]!.body.toString()).toBe('{"ok":true}')
    expect(result.captures[0]!.headers).toEqual([])
    expect(result.redactions).toEqual([
      { capture: 0, location: 'body', action: 'configured secret removed; it was compressed (gzip): exported decompressed, without its Content-Encoding' },
    ])
  })
})

/** Every run of base64 characters in the text, unescaped and unwrapped, decoded from each of four alignments. */
function decodedBase64Runs(text: string): string {
  const unescaped = decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25'))
    .replace(/\\\//g, '/')
    .replace(/\r?\n/g, '')
  return (unescaped.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
    .flatMap((run) => [0, 1, 2, 3].map((offset) => Buffer.from(run.slice(offset), 'base64').toString('latin1')))
    .join('\n')
}

/** The resend history's sent and answered bodies, decoded. */
function decodedResendBodies(capture: ExchangeCapture): string {
  return capture.resends
    .flatMap((record) => {
      const loose = record as unknown as { sent: { bodyBase64: string }; outcome: { response: { bodyBase64: string } } }
      return [loose.sent.bodyBase64, loose.outcome.response.bodyBase64]
    })
    .map((base64) => Buffer.from(base64, 'base64').toString('latin1'))
    .join('\n')
}
