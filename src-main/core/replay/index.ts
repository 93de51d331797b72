/**
 * The replay core: resend a capture as captured or edited, re-sign it, send it with a real HTTP
 * client, replay many, forward live, and simulate provider callbacks. Plain Node, no Electron.
 */
export { withoutHopByHop, isHopByHop } from './hop-by-hop'
export {
  buildReplayRequest,
  capturedRequestOf,
  compareWithCapture,
  sentRequestView,
  sentTarget,
  bodyDigest,
  type BuildReplayOptions,
  type CapturedRequest,
  type ReplayRequest,
  type ReplaySource,
} from './replay-request'
export { diffText, diffBodies, compareBodies, DIFF_MAX_LINES } from './body-diff'
export { sendReplay, type OutgoingRequest, type SendOptions } from './http-client'
export { classifyError } from './failure'
export { resignRequest, httpDate, PLEXO_ENVELOPE_LIFETIME_SECONDS, type ResignOptions, type ResignResult } from './resign'
export { privateKeyFingerprint } from '../providers/signing-keys'
export { runBulkReplay, BULK_DEFAULT_CONCURRENCY, type BulkReplayItem, type BulkReplayOptions } from './bulk-replay'
export {
  captureForwardOf,
  settledBackgroundForward,
  forwardCapture,
  FORWARD_LOOP_REASON,
  type ForwardOptions,
  type ForwardResult,
  type ForwardTarget,
  type RelayAnswer,
} from './forward'
export { FORWARDED_MARK_HEADER, carriesForwardMark, ownReceiverProblem, type OwnReceiver } from './forward-loop'
export { createReplayRecord, type ReplayRecordInput } from './replay-record'
export { findResourcesDir } from './resources-dir'
export { listSimulatorTemplates, loadSimulatorTemplates, SIMULATED_PROVIDERS, type SimulatedProvider, type SimulatorTemplate } from './simulator-templates'
export {
  buildSimulatedCallback,
  buildFromTemplate,
  generateRsaKeyPair,
  generateSecret,
  type GeneratedKeyPair,
  type SimulateOptions,
  type SimulatedCallback,
} from './simulator'
