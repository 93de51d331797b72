import type { ExportAnswer } from '../core/exchange/exchange-service'

/** The file an inline export answered (its base64 pieces joined and decoded). */
export function exportedFile(answer: ExportAnswer): Buffer {
  if (!('dataBase64' in answer)) throw new Error('the export was answered in pieces, not inline')
  return Buffer.from(answer.dataBase64.join(), 'base64')
}
