import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { lowerThisThreadsPriority } from './background-priority'

/** The niceness of a thread of this process, from /proc (field 19 of its stat line); `undefined` once it has ended. */
function nicenessOf(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  } catch {
    return undefined
  }
}

describe.runIf(process.platform === 'linux')('a background thread', () => {
  // Vitest runs each test file in a process of its own: lowering this thread touches nothing else.
  it('lowers its own priority by 10, and no other thread of the process', () => {
    const self = Number(readlinkSync('/proc/thread-self').split('/').pop())
    const others = readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== self)
    const before = new Map([self, ...others].map((tid) => [tid, nicenessOf(tid)]))
    expect(lowerThisThreadsPriority()).toBe(true)
    expect(nicenessOf(self)).toBe(Math.min(19, (before.get(self) as number) + 10))
    // A thread that ended meanwhile is skipped.
    for (const tid of others) expect(nicenessOf(tid) ?? before.get(tid)).toBe(before.get(tid))
  })
})
