/** The query language's help, one line per construct (capture-query.ts describes the language). */
/** One line per construct, for help texts (the renderer's syntax hint shows them). */
export const QUERY_SYNTAX_HELP: ReadonlyArray<{ example: string; meaning: string }> = [
  { example: 'order-4711', meaning: 'anywhere: body text, headers, target, summary, note' },
  { example: '"Alex Smith"', meaning: 'a phrase' },
  {
    example: '"\\"result\\": \\"OK\\""',
    meaning: 'JSON pasted as a phrase: spaces and line breaks next to { } [ ] : , do not count in the body',
  },
  { example: 'https://host/shop/cb?id=7', meaning: 'a pasted URL: also the captures sent to its path and query, whatever the host' },
  { example: 'body:declined', meaning: 'in the body text (binary bodies never match)' },
  { example: 'header.user-agent:ixopay', meaning: 'in a header or trailer value (header:x any name or value)' },
  { example: 'query.action:create', meaning: 'in a query parameter of the target' },
  { example: 'path:/callbacks', meaning: 'in the path' },
  { example: 'method:post', meaning: 'the HTTP method' },
  { example: 'provider:stripe', meaning: 'the recognised provider' },
  {
    example: 'verdict:invalid',
    meaning:
      'valid, invalid, no-key, unsigned, not-applicable (n/a and "no key" as the list shows them); changed: imported, changed by its exporter (no other verdict matches it)',
  },
  { example: 'status:5xx', meaning: 'the answer sent: 503, 5xx, none' },
  { example: 'event:refund', meaning: 'the event type' },
  { example: 'ref:4711', meaning: "the merchant's reference" },
  { example: 'id:evt_1', meaning: "the provider's transaction or event id, or the capture id (whole, or its first 8 characters)" },
  { example: 'note:todo', meaning: 'in the note' },
  { example: 'from:merchant.bundle', meaning: 'imported from that file or source (from:"" any imported capture)' },
  { example: 'after:-2h before:2026-12-01', meaning: 'arrival time (s m h d w ago, or an ISO date, UTC unless an offset is given)' },
  { example: '-term', meaning: 'excludes (also NOT term)' },
  { example: 'a OR b c', meaning: 'a or b, and c: OR binds tighter than the space' },
  { example: '(a OR b) c', meaning: 'groups' },
]
