/** Words and timing for the tunnel's live state. */
import { useEffect, useState } from 'react'
import type { TunnelState } from '@shared/tunnel'

/** The current time, ticking every second while `isTicking`. */
export function useNow(isTicking: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!isTicking) return
    // The clock is outside React: when ticking starts, show the time now, not the time of mount.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [isTicking])
  return now
}

/** `in 12 s`, `in 3 min 5 s`, `now`. */
export function formatCountdown(iso: string, now: number): string {
  const seconds = Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000))
  if (seconds === 0) return 'now'
  if (seconds < 60) return `in ${seconds} s`
  const minutes = Math.floor(seconds / 60)
  return `in ${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`
}

/** `12 s ago`, `4 min ago`, `2 h ago`. */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  return `${Math.floor(seconds / 3600)} h ago`
}

/**
 * Whether the tunnel has been seen to work, in one sentence. The explanation of what "proved"
 * means reads as a fact either way: the line said "Last proved working: not yet (a probe through
 * the public URL reached this receiver)", which claims a probe got through when none has.
 */
export function tunnelProofLine(lastProvedAt: string | null, status: TunnelState['status'], now: number): string {
  if (lastProvedAt !== null) return `Last proved working ${formatAgo(lastProvedAt, now)}: a probe through the public URL reached this receiver.`
  if (status === 'off') return 'Not proved working yet: once the tunnel is online, a probe through its public URL checks that it reaches this receiver.'
  return 'Not proved working yet: no probe through the public URL has reached this receiver so far.'
}

/**
 * The tunnel runs on a stand-in subdomain. "You asked for X" read wrong after a relaunch, when the
 * app asks again for the subdomain it had (helper-tunnel's d1d0559) and the user asked for nothing;
 * and a day later X is as likely held by another client as by this app's old connection.
 */
export function standInHeadline(requested: string | null, got: string): string {
  return `“${requested ?? ''}” is taken right now, so the tunnel is at “${got}”: callbacks sent to the “${requested ?? ''}” URL do not reach this app for now.`
}

/**
 * Why the requested subdomain is taken, and what the app does about it: when it asks next
 * (`nextReclaimAt`, from 1.5 s up to every 5 minutes), as a countdown from `now`.
 */
export function standInExplanation(requested: string | null, nextReclaimAt: string | null, now: number): string {
  const nextTry = nextReclaimAt === null ? '' : ` (next try ${formatCountdown(nextReclaimAt, now)})`
  return (
    `Another connection holds “${requested ?? ''}”: often this app’s previous one, until the tunnel server notices it is gone, or, after the app ` +
    `was closed for a while, another client. The app keeps asking for it${nextTry} and moves back to it once it is free.`
  )
}

/** One short line for the top bar. */
export function tunnelShortLabel(state: TunnelState, now: number): string {
  switch (state.status) {
    case 'off':
      return 'Tunnel off'
    case 'connecting':
      return state.attempt > 1 ? `Connecting (attempt ${state.attempt})…` : 'Connecting…'
    case 'online':
      return 'Online'
    case 'reconnecting':
      return `Reconnecting ${formatCountdown(state.nextAttemptAt, now)}`
    case 'failed':
      return state.nextAttemptAt ? `Failed, retrying ${formatCountdown(state.nextAttemptAt, now)}` : 'Failed'
    default: {
      const unknown: never = state
      return String(unknown)
    }
  }
}

/** Whether a countdown is on screen (the clock must tick): the next attempt, or the next try for a taken subdomain. */
export function hasCountdown(state: TunnelState | undefined): boolean {
  if (state?.status === 'online') return state.nextReclaimAt !== null
  return (state?.status === 'reconnecting' || state?.status === 'failed') && state.nextAttemptAt !== null
}

export function isRunning(state: TunnelState): boolean {
  return state.status !== 'off'
}
