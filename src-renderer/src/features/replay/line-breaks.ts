/**
 * A textarea's value holds LF line breaks only: the browser turns every CRLF and lone CR of the
 * text it is given into LF. Edited as it is, a body whose lines end in CRLF (multipart forms need
 * them, Windows senders write them) went out with every line changed, not only the one edited.
 */
export type LineBreaks = 'lf' | 'crlf' | 'mixed'

/** How a text ends its lines: LF alone, CRLF alone, or a mix (a lone CR too), which an edit cannot keep. */
export function lineBreaksOf(text: string): LineBreaks {
  let crlf = 0
  let lf = 0
  let cr = 0
  for (let index = text.indexOf('\r'); index !== -1; index = text.indexOf('\r', index + 1)) {
    cr++
    if (text.charCodeAt(index + 1) === 10) crlf++
  }
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lf++
  if (cr === 0) return 'lf'
  return cr === crlf && lf === crlf ? 'crlf' : 'mixed'
}

/** The editor's text with the body's own line breaks back: CRLF for a CRLF body. */
export function withLineBreaks(text: string, lineBreaks: Exclude<LineBreaks, 'mixed'>): string {
  return lineBreaks === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text
}
