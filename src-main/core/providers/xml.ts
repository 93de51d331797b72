/**
 * A deliberately small, tolerant reader for flat XML callbacks (IXOPAY's legacy XML API). It finds
 * `<name>text</name>` elements, with or without a namespace prefix, and decodes the five standard
 * entities and numeric references. It does not validate, resolve external entities or build a tree,
 * so hostile XML cannot make it fetch, expand or recurse.
 */
import { escapeRegex } from '../../shared/escape-regex'

/** Only this much of a body is scanned for elements. */
export const MAX_XML_SCAN_BYTES = 1024 * 1024

/** Text of the first element with this local name, or `null`. */
export function xmlElementText(xml: string, localName: string): string | null {
  const scanned = xml.length > MAX_XML_SCAN_BYTES ? xml.slice(0, MAX_XML_SCAN_BYTES) : xml
  const escaped = escapeRegex(localName)
  const pattern = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${escaped}(?:\\s[^<>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${escaped}\\s*>`)
  const match = pattern.exec(scanned)
  if (!match || match[1] === undefined) return null
  return decodeXmlEntities(match[1].trim())
}

/** True when the document's root element has this local name. */
export function xmlRootIs(xml: string, localName: string): boolean {
  const head = xml.slice(0, 4096).replace(/^\uFEFF/, '')
  const withoutProlog = head.replace(/^\s*(?:<\?[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*/, '')
  return new RegExp(`^<(?:[A-Za-z_][\\w.-]*:)?${localName}[\\s>/]`).test(withoutProlog)
}

function decodeXmlEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g, (entity, name: string) => {
    switch (name) {
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'amp':
        return '&'
      case 'quot':
        return '"'
      case 'apos':
        return "'"
      default: {
        const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
      }
    }
  })
}
