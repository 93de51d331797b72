/**
 * Exhaustiveness check for switches over unions: call it in the `default` branch, and a member
 * added to the union later becomes a compile error there instead of a silent fall-through.
 * Plain TypeScript, so the core and the renderer both use this one.
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
