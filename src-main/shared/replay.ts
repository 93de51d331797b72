/**
 * Replay, forward and simulate, in one import: the limits (replay-limits.ts), the input schemas
 * (replay-schemas.ts, zod) and the plain types and constants of results and keys (replay-types.ts).
 */
export * from './replay-limits'
export * from './replay-schemas'
export * from './replay-types'
