/**
 * The body viewer's decoding: the one charset rule shared with the search (src-main/shared/body-charset.ts),
 * so what a search finds is what the view shows.
 */
export { decodeBody, decodedAsLabel, decodeLatin1, decodeWindows1252, decodeWithEncoding, type BodyEncoding, type DecodedBody } from '@shared/body-charset'
