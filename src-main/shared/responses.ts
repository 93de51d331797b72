/**
 * How the receiver answers a callback: the per-endpoint configuration (validated with zod, since
 * the API and the renderer hand it to us as untrusted input), the answer presets the UI offers,
 * and the JSON shape of the answer the core chose for one delivery.
 *
 * Precedence, applied by `core/responses/choose-answer.ts` and described in
 * {@link ANSWER_PRECEDENCE}: enabled rules in order (first match wins), then the sequence, then the
 * failure rate, then the default answer.
 *
 * Only zod (and types from sibling shared files) is imported here, so the renderer can import the
 * types and presets.
 */
export * from './answer-catalog'
export * from './answer-presets'
export * from './answer-config-schemas'
export { utf8ByteLength } from './answer-rules'

// ---------------------------------------------------------------------------------------------
// What was chosen for one delivery (recorded with the capture, returned by the API).

/** A body ready to send: UTF-8 text, or base64 for bytes that are not text. */
export interface ResolvedBody {
  encoding: 'utf8' | 'base64'
  data: string
  /** Size on the wire, in bytes. */
  size: number
}

/** An answer with everything computed: the exact header lines (with Content-Type and Content-Length) and body. */
export type ResolvedAnswer =
  | { kind: 'respond'; status: number; headers: Array<[name: string, value: string]>; body: ResolvedBody | null; delayMs: number }
  | { kind: 'close'; delayMs: number }
  | { kind: 'reset'; delayMs: number }
  | { kind: 'hang' }

/** Which part of the configuration chose the answer. */
export type ChosenBy =
  | { kind: 'rule'; ruleId: string; ruleName: string }
  /** `step` is 1-based: "step 2 of 3". */
  | { kind: 'sequence'; step: number; of: number }
  | { kind: 'failure-rate'; percent: number }
  | { kind: 'default' }
  /** `provider` is null when no provider with a documented acknowledgement was recognised. */
  | { kind: 'provider-default'; provider: string | null }

/** The answer for one delivery and why; JSON-serialisable. */
export interface ChosenAnswer {
  answer: ResolvedAnswer
  chosenBy: ChosenBy
}
