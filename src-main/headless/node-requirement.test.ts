import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DESKTOP_NODE_MINIMUM, desktopNodeProblem } from '../../scripts/node-requirement.mjs'

describe("the desktop app's Node.js requirement", () => {
  it('names the Node version when it is older than Electron 45 needs', () => {
    expect(desktopNodeProblem('v20.19.0')).toMatch(/^Node\.js 20\.19\.0 is older than 22\.12\.0/)
    expect(desktopNodeProblem('v22.11.9')).toMatch(/older than 22\.12\.0/)
    expect(desktopNodeProblem('v22.12.0')).toBeNull()
    expect(desktopNodeProblem('v24.1.0')).toBeNull()
    expect(desktopNodeProblem('not a version')).toBeNull()
  })

  it('is what package.json engines and Electron itself declare', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }
    expect(manifest.engines.node).toBe(`>=${DESKTOP_NODE_MINIMUM}`)
    const electron = JSON.parse(readFileSync(new URL('../../node_modules/electron/package.json', import.meta.url), 'utf8')) as { engines?: { node?: string } }
    // Electron's own floor must not be above ours, or the README and the fallback line would be wrong.
    const floor = /(\d+\.\d+\.\d+)/.exec(electron.engines?.node ?? '0.0.0')?.[1] ?? '0.0.0'
    expect(desktopNodeProblem(`v${DESKTOP_NODE_MINIMUM}`, floor)).toBeNull()
  })
})
