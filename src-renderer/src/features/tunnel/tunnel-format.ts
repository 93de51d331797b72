/** Words and timing for the tunnel's live state. */
import { useEffect, useState } from 'react'
import type { RequestedSubdomainSource, TunnelState } from '@shared/tunnel'

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
export function tunnelProofLine(state: Pick<TunnelState, 'status' | 'lastProvedAt' | 'earlierRunProvedAt'>, now: number): string {
  const { status, lastProvedAt, earlierRunProvedAt } = state
  if (lastProvedAt !== null) return `Last proved working ${formatAgo(lastProvedAt, now)}: a probe through the public URL reached this receiver.`
  if (status === 'off') {
    if (earlierRunProvedAt !== null) return `Last proved working ${formatAgo(earlierRunProvedAt, now)}: a probe through the public URL reached this receiver.`
    return 'Not proved working yet: once the tunnel is online, a probe through its public URL checks that it reaches this receiver.'
  }
  // Each start is a new run whose own proof starts empty: "not proved yet … so far" after a Stop and
  // Start read as if the tunnel had never worked.
  if (earlierRunProvedAt !== null) {
    return `Proved working ${formatAgo(earlierRunProvedAt, now)}, before the tunnel was last started; not yet since: no probe through the public URL has reached this receiver in this run.`
  }
  return 'Not proved working yet: no probe through the public URL has reached this receiver so far.'
}

/** The time of the proof {@link tunnelProofLine} speaks of, if any. */
export function provedAtShown(state: Pick<TunnelState, 'lastProvedAt' | 'earlierRunProvedAt'>): string | null {
  return state.lastProvedAt ?? state.earlierRunProvedAt
}

/**
 * The subdomain asked for, named by why it is asked for. "You asked for X" read wrong after a
 * relaunch, when the app asks again for the subdomain it had (helper-tunnel's d1d0559) and the user
 * asked for nothing; the state says which it is (`requestedSubdomainSource`).
 */
function requestedName(requested: string, source: RequestedSubdomainSource | null): string {
  switch (source) {
    case 'configured':
      return `The subdomain set in the tunnel settings, “${requested}”,`
    case 'held':
      return `“${requested}”, the subdomain this tunnel had,`
    case 'remembered':
      return `“${requested}”, the subdomain the tunnel had when the app last ran,`
    case null:
      return `“${requested}”`
    default: {
      const unknown: never = source
      return String(unknown)
    }
  }
}

/** The tunnel runs on a stand-in subdomain: which name is taken, where the tunnel is, and what that means for callbacks. */
export function standInHeadline(requested: string | null, source: RequestedSubdomainSource | null, got: string): string {
  const name = requested ?? ''
  return `${requestedName(name, source)} is taken right now, so the tunnel is at “${got}”: callbacks sent to the “${name}” URL do not reach this app for now.`
}

/**
 * Who may hold the requested subdomain (a day after the app last ran, as likely another client as
 * this app's old connection), and what the app does about it: when it asks next (`nextReclaimAt`,
 * from 1.5 s up to every 5 minutes), as a countdown from `now`.
 */
export function standInExplanation(requested: string | null, source: RequestedSubdomainSource | null, nextReclaimAt: string | null, now: number): string {
  const nextTry = nextReclaimAt === null ? '' : ` (next try ${formatCountdown(nextReclaimAt, now)})`
  const keepsAsking = `The app keeps asking for it${nextTry} and moves back to it once it is free.`
  switch (source) {
    case 'remembered':
      return (
        'The app asked for it again so that a URL given to a provider before still works, but another connection holds it: the app’s old one, ' +
        `until the tunnel server notices it is gone, or, as the app was closed for a while, another client. ${keepsAsking}`
      )
    case 'held':
      return (
        'Another connection holds it: most likely this app’s previous one, until the tunnel server notices it is gone (after a sleep or a network ' +
        `change, that can take many minutes). ${keepsAsking}`
      )
    default:
      return (
        `Another connection holds “${requested ?? ''}”: often this app’s previous one, until the tunnel server notices it is gone, or another ` +
        `client. ${keepsAsking}`
      )
  }
}

/**
 * How to stop waiting for a name the user never chose: one the app only remembers from the last
 * launch may be another client's for good. `null` for a name set in the settings or held this launch.
 */
export function standInKeepHint(source: RequestedSubdomainSource | null, standIn: string): string | null {
  return source === 'remembered' ? `To stay at “${standIn}” instead, set it as the subdomain in the tunnel settings.` : null
}

/** What a connecting tunnel asks the server for, and why. */
export function askingLine(requested: string | null, source: RequestedSubdomainSource | null): string {
  if (requested === null) return 'Asking for a random subdomain…'
  switch (source) {
    case 'configured':
      return `Asking for “${requested}”, the subdomain set in the settings…`
    case 'held':
      return `Asking for “${requested}” again, the subdomain this tunnel had…`
    case 'remembered':
      return `Asking for “${requested}” again, the subdomain the tunnel had when the app last ran, so that URLs given to providers keep working…`
    default:
      return `Asking for “${requested}”…`
  }
}

/**
 * Why a reconnecting tunnel is reconnecting: the problem's own words, as a sentence. A "Lost: "
 * in front read "Lost: the connection to the tunnel server was lost: …", and the latest error is
 * as often a failed attempt ("nothing answers at the tunnel server…") as the loss itself.
 */
export function problemSentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1)
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
