import { JsonView, defaultStyles } from 'react-json-view-lite'

type StyleProps = typeof defaultStyles

// Our own class names (styled in styles.css for light and dark), not the library's stylesheet.
const jsonStyles: StyleProps = {
  ...defaultStyles,
  container: 'json-tree',
  basicChildStyle: 'json-child',
  childFieldsContainer: 'json-children',
  label: 'json-label',
  clickableLabel: 'json-label json-clickable',
  nullValue: 'json-null',
  undefinedValue: 'json-null',
  numberValue: 'json-number',
  stringValue: 'json-string',
  booleanValue: 'json-boolean',
  otherValue: 'json-other',
  punctuation: 'json-punctuation',
  expandIcon: 'json-icon json-expand',
  collapseIcon: 'json-icon json-collapse',
  collapsedContent: 'json-collapsed',
  // Strings are shown JSON-escaped, so control characters and quotes stay visible.
  stringifyStringValues: true,
  quotesForFieldNames: true,
}

const MAX_AUTO_EXPAND_CHILDREN = 100
const MAX_AUTO_EXPAND_LEVEL = 4

/** Opens the first levels, but never a node so wide that rendering it would stall. */
function shouldExpandNode(level: number, value: unknown): boolean {
  if (level === 0) return true
  if (level >= MAX_AUTO_EXPAND_LEVEL) return false
  const size = Array.isArray(value) ? value.length : typeof value === 'object' && value !== null ? Object.keys(value).length : 0
  return size <= MAX_AUTO_EXPAND_CHILDREN
}

interface JsonBodyProps {
  value: unknown
}

export function JsonBody({ value }: JsonBodyProps) {
  if (typeof value !== 'object' || value === null) {
    return (
      <pre className="wire-text" data-testid="json-body">
        {JSON.stringify(value)}
      </pre>
    )
  }
  return (
    <div className="json-body" data-testid="json-body">
      <JsonView data={value} style={jsonStyles} shouldExpandNode={shouldExpandNode} />
    </div>
  )
}
