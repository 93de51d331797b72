import type { ProcedureInput } from '@shared/contract'
import { queryKeys } from '../../api/query-keys'

/**
 * The query key of a resend preview. A pasted private key must not live on in the query cache
 * (where keys outlive the dialog): the key carries a nonce that stands for it, never the key.
 */
export function previewQueryKey(input: ProcedureInput<'previewReplay'>, privateKeyNonce: string | null) {
  const { privateKeys: _privateKeys, ...rest } = input
  return queryKeys.replayPreview({ ...rest, privateKeyNonce })
}
