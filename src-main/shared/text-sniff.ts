/**
 * The one rule for "is this decoded text text a person or a program wrote, or binary that happened
 * to decode": control characters other than whitespace (tab, line feed, form feed, carriage
 * return) do not occur in text. Search, the provider summary and the body viewer all ask this;
 * they differ only in how much they look at and how many stray controls they forgive.
 * Zod-free and Node-free, so the core and the renderer import the same function.
 */

/** A UTF-16 code unit that text does not carry: a C0 control other than tab, LF, FF and CR, or DEL. */
export function isBinaryControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f
}

export interface TextSniffOptions {
  /** Look at this many leading characters only (default: all of them). */
  sampleChars?: number
  /**
   * Share of the sample (0 to 1) that may be control characters, NUL excepted, before it is not
   * text. Default 0: a single one makes it binary. A viewer may forgive a few (an ANSI escape in a log).
   */
  tolerance?: number
}

/** Whether decoded text reads as text: no NUL, and no more control characters than `tolerance` allows. */
export function looksLikeText(text: string, options: TextSniffOptions = {}): boolean {
  const end = Math.min(text.length, options.sampleChars ?? text.length)
  const allowed = Math.floor((options.tolerance ?? 0) * end)
  let controls = 0
  for (let index = 0; index < end; index++) {
    const code = text.charCodeAt(index)
    if (code === 0) return false
    if (isBinaryControl(code)) {
      controls++
      if (controls > allowed) return false
    }
  }
  return true
}
