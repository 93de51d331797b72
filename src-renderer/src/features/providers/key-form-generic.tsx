/**
 * A generic HMAC scheme: the secret and how the sender signs with it (header, prefix, algorithm,
 * encoding, and the raw body or a template). The server checks the template's placeholders.
 */
import { useId, useImperativeHandle, useState } from 'react'
import { HTTP_TOKEN_PATTERN } from '@shared/answer-catalog'
import type { GenericHmacConfig } from '@shared/providers'
import { GENERIC_HMAC_ALGORITHMS, GENERIC_HMAC_ENCODINGS } from '../../lib/providers'
import { SecretField, type KeyFieldsProps } from './key-form-parts'

interface SchemeDraft {
  header: string
  prefix: string
  algorithm: GenericHmacConfig['algorithm']
  encoding: GenericHmacConfig['encoding']
  signedMode: 'body' | 'template'
  template: string
}

const INITIAL_SCHEME: SchemeDraft = {
  header: 'X-Signature',
  prefix: '',
  algorithm: 'sha256',
  encoding: 'hex',
  signedMode: 'body',
  template: '{method}\\n{target}\\n{header:X-Timestamp}\\n{body}',
}

export function GenericHmacFields({ kindField, ref }: KeyFieldsProps) {
  const id = useId()
  const [secret, setSecret] = useState('')
  const [scheme, setScheme] = useState<SchemeDraft>(INITIAL_SCHEME)
  const headerInvalid = !HTTP_TOKEN_PATTERN.test(scheme.header)

  useImperativeHandle(ref, () => ({
    build: () => {
      if (headerInvalid) return 'The header name is a token like X-Signature.'
      if (secret === '') return 'Enter the secret.'
      return {
        kind: 'generic-hmac',
        secret,
        config: {
          header: scheme.header,
          prefix: scheme.prefix,
          algorithm: scheme.algorithm,
          encoding: scheme.encoding,
          signed: scheme.signedMode === 'body' ? 'body' : { template: scheme.template },
        },
      }
    },
    clearEntered: () => setSecret(''),
  }))

  return (
    <>
      <div className="form-row">{kindField}</div>

      <SecretField value={secret} onChange={setSecret} invalid={false} hint="The shared secret, as UTF-8 text." problem={null} />
      <fieldset className="fieldset">
        <legend>Scheme</legend>
        <div className="form-row">
          <label className="field">
            <span className="field-label">Header</span>
            <input
              className="input wire"
              value={scheme.header}
              aria-invalid={headerInvalid}
              onChange={(event) => setScheme({ ...scheme, header: event.target.value })}
              data-testid="generic-header"
            />
          </label>
          <label className="field">
            <span className="field-label">Prefix</span>
            <input
              className="input wire"
              value={scheme.prefix}
              placeholder="sha256="
              onChange={(event) => setScheme({ ...scheme, prefix: event.target.value })}
              data-testid="generic-prefix"
            />
          </label>
          <label className="field">
            <span className="field-label">Algorithm</span>
            <select
              className="input"
              value={scheme.algorithm}
              onChange={(event) => setScheme({ ...scheme, algorithm: event.target.value as GenericHmacConfig['algorithm'] })}
              data-testid="generic-algorithm"
            >
              {GENERIC_HMAC_ALGORITHMS.map((each) => (
                <option key={each} value={each}>
                  HMAC-{each.toUpperCase().replace('SHA', 'SHA-')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Encoding</span>
            <select
              className="input"
              value={scheme.encoding}
              onChange={(event) => setScheme({ ...scheme, encoding: event.target.value as GenericHmacConfig['encoding'] })}
              data-testid="generic-encoding"
            >
              {GENERIC_HMAC_ENCODINGS.map((each) => (
                <option key={each} value={each}>
                  {each}
                </option>
              ))}
            </select>
          </label>
        </div>
        {headerInvalid && <p className="field-error">A header name is a token like X-Signature (letters, digits, dashes).</p>}
        <div className="radio-row" role="radiogroup" aria-labelledby={`${id}-signed`}>
          <span id={`${id}-signed`} className="field-label">
            Signed
          </span>
          <label>
            <input type="radio" name={`${id}-signed`} checked={scheme.signedMode === 'body'} onChange={() => setScheme({ ...scheme, signedMode: 'body' })} />{' '}
            the raw body
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-signed`}
              checked={scheme.signedMode === 'template'}
              onChange={() => setScheme({ ...scheme, signedMode: 'template' })}
              data-testid="generic-template-mode"
            />{' '}
            a template
          </label>
        </div>
        {scheme.signedMode === 'template' && (
          <label className="field">
            <span className="field-label">Template</span>
            <input
              className="input wire"
              value={scheme.template}
              onChange={(event) => setScheme({ ...scheme, template: event.target.value })}
              data-testid="generic-template"
            />
            <span className="field-hint template-help">
              <code>{'{method}'}</code> <code>{'{target}'}</code> (path and query as received) <code>{'{path}'}</code> <code>{'{query}'}</code>{' '}
              <code>{'{body}'}</code> (raw bytes) <code>{'{header:Name}'}</code> (first value; missing fails with missing-header). Escapes <code>\n</code>{' '}
              <code>\r</code> <code>\t</code> <code>\\</code>; <code>{'{{'}</code> and <code>{'}}'}</code> for literal braces.
            </span>
          </label>
        )}
      </fieldset>
    </>
  )
}
