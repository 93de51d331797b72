import { describe, expect, it } from 'vitest'
import { runInSlices } from './run-in-slices'

/** Resolves once the tasks queued so far (and the slices they post) have run. */
const afterTasks = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('runInSlices', () => {
  it('runs the first slice at once and each next one in a later task, until a slice says it is done', async () => {
    const ran: number[] = []
    let count = 0
    runInSlices(() => {
      ran.push(++count)
      return count === 3
    })
    // Only the first slice ran in this task: the others wait for the thread to be free.
    expect(ran).toEqual([1])
    await afterTasks()
    expect(ran).toEqual([1, 2, 3])
  })

  it('runs no further slice once stopped', async () => {
    let count = 0
    const stop = runInSlices(() => {
      count++
      return false
    })
    stop()
    await afterTasks()
    expect(count).toBe(1)
  })
})
