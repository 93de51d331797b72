export const DESKTOP_NODE_MINIMUM: string
export function desktopNodeProblem(version: string, minimum?: string): string | null
