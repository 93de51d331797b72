/** Serves the built renderer (out/renderer) over http: a `file://` build stays blank in Chromium. */
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

/** The same policy as the renderer's meta tag, sent as a header so it also covers non-HTML files. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/**
 * Sent with every answer of the UI server, errors included: the CSP (with `frame-ancestors`),
 * `X-Frame-Options` for browsers that predate it, no MIME sniffing, no referrer.
 */
const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text)
}

export function createStaticUi(rendererDir: string) {
  const root = normalize(rendererDir + sep)
  return async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' }).end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')
    } catch {
      // A malformed escape such as `/%`: the client's mistake, not a server failure (and no log line).
      answer(response, 400, 'bad request: malformed percent-encoding')
      return
    }
    const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
    const file = normalize(join(root, relative))
    // Path traversal: never serve anything outside the renderer folder.
    if (!file.startsWith(root)) {
      answer(response, 404, 'not found')
      return
    }
    let content: Buffer
    try {
      content = await readFile(file)
    } catch {
      answer(response, 404, 'not found')
      return
    }
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': content.length,
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    })
    response.end(request.method === 'HEAD' ? undefined : content)
  }
}
