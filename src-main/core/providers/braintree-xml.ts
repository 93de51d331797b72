/**
 * A small, bounded reader for the XML inside Braintree's `bt_payload`: elements, attributes and
 * text as a tree, so a summary can read `<subject><transaction><id>` and not the first `<id>` of
 * the document (a subscription's add-ons come before its own id). One pass over the text, a depth
 * and an element cap, no DTDs, no entity expansion beyond the five XML entities and character
 * references: hostile XML cannot make it fetch, expand or recurse.
 */

/** Payloads above this are not parsed (Braintree notifications are a few kilobytes). */
export const MAX_BRAINTREE_XML_CHARS = 2 * 1024 * 1024
const MAX_DEPTH = 64
const MAX_ELEMENTS = 50_000

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** The element's own text (CDATA included), entities decoded, untrimmed. */
  text: string
}

export type XmlParseResult = { ok: true; root: XmlElement } | { ok: false; message: string }

const NAME = /^[A-Za-z_][\w.:-]*/
const ATTRIBUTE = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("[^"]*"|'[^']*')/y

/** Parses a document into its root element, or says where and why it is not well-formed. */
export function parseXmlTree(xml: string): XmlParseResult {
  if (xml.length > MAX_BRAINTREE_XML_CHARS) return { ok: false, message: `the XML is larger than ${MAX_BRAINTREE_XML_CHARS} characters` }
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  let elements = 0
  let index = xml.startsWith('\uFEFF') ? 1 : 0
  while (index < xml.length) {
    const open = xml.indexOf('<', index)
    const textEnd = open < 0 ? xml.length : open
    if (textEnd > index) {
      const text = xml.slice(index, textEnd)
      const current = stack[stack.length - 1]
      if (current) current.text += decodeEntities(text)
      else if (text.trim() !== '') return { ok: false, message: `text outside the root element at ${index}` }
    }
    if (open < 0) break
    if (xml.startsWith('<?', open)) {
      const end = xml.indexOf('?>', open + 2)
      if (end < 0) return { ok: false, message: `unterminated processing instruction at ${open}` }
      index = end + 2
    } else if (xml.startsWith('<!--', open)) {
      const end = xml.indexOf('-->', open + 4)
      if (end < 0) return { ok: false, message: `unterminated comment at ${open}` }
      index = end + 3
    } else if (xml.startsWith('<![CDATA[', open)) {
      const end = xml.indexOf(']]>', open + 9)
      const current = stack[stack.length - 1]
      if (end < 0 || !current) return { ok: false, message: `CDATA outside an element or unterminated at ${open}` }
      current.text += xml.slice(open + 9, end)
      index = end + 3
    } else if (xml.startsWith('<!', open)) {
      return { ok: false, message: `a DOCTYPE or declaration at ${open} (not read, on purpose)` }
    } else if (xml.startsWith('</', open)) {
      const end = xml.indexOf('>', open)
      if (end < 0) return { ok: false, message: `unterminated end tag at ${open}` }
      const name = xml.slice(open + 2, end).trim()
      const current = stack.pop()
      if (!current || current.name !== name) return { ok: false, message: `</${name}> at ${open} does not close <${current?.name ?? '(nothing)'}>` }
      index = end + 1
    } else {
      const end = xml.indexOf('>', open)
      if (end < 0) return { ok: false, message: `unterminated start tag at ${open}` }
      const selfClosing = xml[end - 1] === '/'
      const inner = xml.slice(open + 1, selfClosing ? end - 1 : end)
      const name = NAME.exec(inner)?.[0]
      if (!name) return { ok: false, message: `a start tag without a name at ${open}` }
      const attributes = readAttributes(inner.slice(name.length))
      if (attributes === null) return { ok: false, message: `malformed attributes in <${name}> at ${open}` }
      if (++elements > MAX_ELEMENTS) return { ok: false, message: `more than ${MAX_ELEMENTS} elements` }
      const element: XmlElement = { name, attributes, children: [], text: '' }
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(element)
      else if (root) return { ok: false, message: `a second root element <${name}> at ${open}` }
      else root = element
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) return { ok: false, message: `nested deeper than ${MAX_DEPTH} elements` }
        stack.push(element)
      }
      index = end + 1
    }
  }
  if (stack.length > 0) return { ok: false, message: `<${stack[stack.length - 1]?.name ?? ''}> is not closed` }
  if (!root) return { ok: false, message: 'no root element' }
  return { ok: true, root }
}

function readAttributes(source: string): Record<string, string> | null {
  const attributes: Record<string, string> = {}
  ATTRIBUTE.lastIndex = 0
  let position = 0
  for (;;) {
    ATTRIBUTE.lastIndex = position
    const match = ATTRIBUTE.exec(source)
    if (!match) break
    const [, name = '', quoted = '""'] = match
    attributes[name] = decodeEntities(quoted.slice(1, -1))
    position = ATTRIBUTE.lastIndex
  }
  return source.slice(position).trim() === '' ? attributes : null
}

/** Braintree writes names with dashes (`currency-iso-code`); its SDK samples sometimes with underscores. */
function sameName(a: string, b: string): boolean {
  return a.replace(/_/g, '-') === b.replace(/_/g, '-')
}

/** The first child element with this name (`-` and `_` alike). */
export function xmlChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((child) => sameName(child.name, name))
}

/** A child's text, trimmed; `null` when absent, empty, or marked `nil="true"`. */
export function xmlChildText(element: XmlElement | undefined, ...path: string[]): string | null {
  let current = element
  for (const name of path) current = xmlChild(current, name)
  if (!current || current.attributes.nil === 'true' || current.children.length > 0) return null
  const value = current.text.trim()
  return value === '' ? null : value
}

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value
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
