/**
 * The replay core: resend a capture as captured or edited, re-sign it, send it with a real HTTP
 * client, replay many, forward live, and simulate provider callbacks. Plain Node, no Electron.
 *
 * Only what the inspector core imports through this file is here (the replay service, the capture
 * pipeline's live forward, the forward-loop check); tests and the rest import the modules directly.
 */
export { buildReplayRequest, sentRequestView, type ReplayRequest, type ReplaySource } from './replay-request'
export { diffBodies, compareBodies } from './body-diff'
export { sendReplay } from './http-client'
export { resignRequest } from './resign'
export { runBulkReplay } from './bulk-replay'
export {
  captureForwardOf,
  prepareForward,
  sendForward,
  settledBackgroundForward,
  startedForwardOf,
  type ForwardResult,
  type PreparedForward,
  type RelayAnswer,
} from './forward'
export { ownReceiverProblem, type OwnReceiver } from './forward-loop'
export { appStoppedOutcome, createReplayRecord, sendingOutcome, withAnswerBodyKept } from './replay-record'
export { listSimulatorTemplates, loadSimulatorTemplates } from './simulator-templates'
export { buildFromTemplate } from './simulator'
