/**
 * What was pasted into a textarea, with the line breaks the clipboard held. A textarea's value
 * turns every CRLF (and lone CR) into LF: a raw HTTP message pasted whole had its body cut short of
 * its Content-Length ("Content-Length declares 14 bytes but only 12 follow"), and a pasted body
 * was imported with other bytes than the ones copied (a multipart form no longer parsed, its
 * signature no longer verified).
 */
export interface ExactPaste {
  /** The text as the clipboard held it. */
  pasted: string
  /** The same text as the textarea shows it. */
  shown: string
}

/** A paste that replaces the field's whole text (the usual case), else `null`: a partial paste is not tracked. */
export function exactPasteOf(field: HTMLTextAreaElement, clipboardText: string): ExactPaste | null {
  const replacesAll = field.value === '' || (field.selectionStart === 0 && field.selectionEnd === field.value.length)
  if (!replacesAll || !clipboardText.includes('\r')) return null
  return { pasted: clipboardText, shown: clipboardText.replace(/\r\n?/g, '\n') }
}

/** The field's text, with the pasted line breaks back while it is still exactly what was pasted. */
export function withPastedLineBreaks(value: string, paste: ExactPaste | null): string {
  return paste !== null && value === paste.shown ? paste.pasted : value
}
