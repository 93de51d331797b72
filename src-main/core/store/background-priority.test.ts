import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { lowerThisProcessPriority } from './background-priority'

/** The niceness of a thread of this process, from /proc (field 19 of its stat line); `undefined` once it has ended. */
function nicenessOf(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  } catch {
    return undefined
  }
}

describe.runIf(process.platform === 'linux')('a background process', () => {
  // Vitest runs each test file in a process of its own: lowering it touches nothing else.
  it('lowers the priority of every thread it has by 10', () => {
    const threads = readdirSync('/proc/self/task').map(Number)
    expect(threads.length).toBeGreaterThan(1)
    const before = new Map(threads.map((tid) => [tid, nicenessOf(tid)]))
    expect(lowerThisProcessPriority()).toBe(true)
    // A thread that ended meanwhile is skipped.
    for (const tid of threads) {
      const was = before.get(tid)
      if (was !== undefined) expect(nicenessOf(tid) ?? Math.min(19, was + 10)).toBe(Math.min(19, was + 10))
    }
  })
})
