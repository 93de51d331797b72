// The baseline the receiver is measured against: a plain node:http server that reads the body
// and answers 200, in its own process like the app. Prints its URL on stdout when ready.
import { createServer } from 'node:http'

const server = createServer((request, response) => {
  request.on('data', () => {})
  request.on('end', () => {
    response.writeHead(200, { 'content-length': '0' })
    response.end()
  })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
