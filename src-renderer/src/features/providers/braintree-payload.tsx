import { useMemo } from 'react'
import { decodeBraintreePayload } from '@shared/braintree-payload'
import { DetailSection } from '../../components/detail-section'
import { BodyViewer } from '../captures/body-viewer'

/**
 * The XML inside a Braintree notification's `bt_payload`, decoded from base64. It is a view derived
 * from the stored body and says so: the body above is what was received, and the signature is
 * checked over those bytes, never over this XML.
 */
export function BraintreePayload({ body, captureId }: { body: Uint8Array; captureId: string }) {
  const view = useMemo(() => decodeBraintreePayload(body), [body])
  const xml = useMemo(() => (view.ok ? new TextEncoder().encode(view.xml) : null), [view])
  return (
    <DetailSection title="Braintree payload" aside="derived from the body" testId="detail-braintree-payload">
      <p className="muted" data-testid="braintree-payload-note">
        Derived: the XML inside the body&apos;s bt_payload field, decoded from base64. The request body above is what was received; the signature is checked
        over it.
      </p>
      {xml !== null ? (
        <BodyViewer
          key={captureId}
          bytes={xml}
          contentType="application/xml; charset=utf-8"
          testId="braintree-payload"
          downloadName={`capture-${captureId}-bt-payload`}
        />
      ) : (
        <p className="notice notice-warning" data-testid="braintree-payload-problem">
          The payload cannot be decoded: {view.ok ? '' : view.problem}.
        </p>
      )}
    </DetailSection>
  )
}
