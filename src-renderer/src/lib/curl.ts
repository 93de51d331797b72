/**
 * "Copy as curl": a bash/zsh command that resends the capture's exact bytes. The builder lives
 * in shared/ so the core's curl export and this copy button follow one rule (large bodies on
 * stdin, a body starting with `@` never read as a file name).
 */
export { buildCurlCommand, capturedCurlRequest, type CurlRequest } from '@shared/curl-command'
