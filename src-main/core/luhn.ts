/** The Luhn check that tells a card number from any other run of digits (ISO/IEC 7812-1). */

/** Whether the digits of `text` (separators such as spaces and dashes ignored) pass the Luhn check; `false` when there are none. */
export function passesLuhn(text: string): boolean {
  let sum = 0
  let isDoubled = false
  let digits = 0
  for (let index = text.length - 1; index >= 0; index--) {
    const code = text.charCodeAt(index)
    if (code < 48 || code > 57) continue
    let digit = code - 48
    if (isDoubled) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    isDoubled = !isDoubled
    digits++
  }
  return digits > 0 && sum % 10 === 0
}
