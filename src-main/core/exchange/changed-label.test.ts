import { describe, expect, it } from 'vitest'
import { MAX_CAPTURE_NOTE_CHARS, noteWithinLimit } from '../../shared/contract'
import { noteLabelText, readNoteLabel } from './changed-label'

describe('the note record of a curl script', () => {
  it('reads back a note as long as a note may be, counted in characters as the API counts them', () => {
    // 10,000 emoji: 20,000 UTF-16 units. The record was read as no note at all.
    const note = '😀'.repeat(MAX_CAPTURE_NOTE_CHARS)
    expect(readNoteLabel(noteLabelText(note))).toBe(note)
    expect(readNoteLabel(noteLabelText(`${note}x`))).toBeNull()
  })
})

describe('noteWithinLimit', () => {
  it('cuts a note to the limit in characters, never inside a surrogate pair', () => {
    expect(noteWithinLimit('ab')).toBe('ab')
    expect(noteWithinLimit('😀'.repeat(MAX_CAPTURE_NOTE_CHARS + 1))).toBe('😀'.repeat(MAX_CAPTURE_NOTE_CHARS))
    expect(noteWithinLimit(`${'x'.repeat(MAX_CAPTURE_NOTE_CHARS - 1)}😀😀`)).toBe(`${'x'.repeat(MAX_CAPTURE_NOTE_CHARS - 1)}😀`)
  })
})
