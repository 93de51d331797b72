import { describe, expect, it } from 'vitest'
import type { ChangedBeforeExport } from '@shared/views'
import { changeLines, changedBodySentence, changedVerdictSentence, changedVerdictTitle } from './changed-before-export-text'

const scrubbed: ChangedBeforeExport = {
  reason: 'secrets-removed',
  changes: [{ location: 'body', action: 'configured secret removed; it was compressed (gzip): exported decompressed, without its Content-Encoding' }],
  changesOmitted: 0,
  decompressed: true,
  exporterVerdict: { status: 'valid', message: 'Signature matches' },
}

describe('the words for a capture changed before export', () => {
  it('says the body is not the one sent, and what the exporter did to it', () => {
    expect(changedBodySentence(scrubbed)).toBe(
      'Changed before export: configured secrets removed, body decompressed. This is not the body the provider sent; its signature cannot verify.',
    )
    expect(changedBodySentence({ ...scrubbed, reason: 'redacted', decompressed: false })).toMatch(/^Changed before export: redacted for sharing\. /)
  })

  it('does not let the verdict read as the sender’s fault, and gives the exporter’s verdict on the original bytes', () => {
    expect(changedVerdictSentence(scrubbed)).toBe(
      'The signature below was checked on changed bytes, so a failed check comes from the export, not from the sender. The exporting app checked the bytes it received: valid (Signature matches).',
    )
    expect(changedVerdictSentence({ ...scrubbed, exporterVerdict: null })).toMatch(/does not say what the exporting app concluded/)
  })

  it('gives the list’s verdict cell what changed and the exporter’s verdict, on hover', () => {
    expect(changedVerdictTitle(scrubbed)).toBe(
      'Changed before export (configured secrets removed, body decompressed): its signature cannot be checked here; the exporting app found it valid.',
    )
    expect(changedVerdictTitle({ ...scrubbed, exporterVerdict: null })).toMatch(/the file does not say what the exporting app concluded\.$/)
  })

  it('lists the changes and counts those the record left out', () => {
    expect(changeLines({ ...scrubbed, changesOmitted: 3 })).toEqual([`body: ${scrubbed.changes[0]!.action}`, 'and 3 more'])
  })
})
