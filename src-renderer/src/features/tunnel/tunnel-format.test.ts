import { describe, expect, it } from 'vitest'
import type { TunnelState } from '@shared/tunnel'
import { askingLine, hasCountdown, problemSentence, standInExplanation, standInHeadline, standInKeepHint, tunnelProofLine } from './tunnel-format'

const now = Date.parse('2026-12-07T09:00:00.000Z')

const standIn = (nextReclaimAt: string | null): TunnelState => ({
  status: 'online',
  serverUrl: 'https://localtunnel.me',
  lastProvedAt: null,
  earlierRunProvedAt: null,
  url: 'https://brave-otter-42.loca.lt',
  subdomain: 'brave-otter-42',
  requestedSubdomain: 'shop-callbacks',
  requestedSubdomainSource: 'configured',
  subdomainChanged: true,
  nextReclaimAt,
  onlineSince: '2026-12-07T08:59:00.000Z',
})

describe('tunnelProofLine', () => {
  const statuses = ['off', 'connecting', 'online', 'reconnecting', 'failed'] as const

  it('says when a probe last got through', () => {
    expect(tunnelProofLine({ status: 'online', lastProvedAt: '2026-12-07T08:58:30.000Z', earlierRunProvedAt: null }, now)).toBe(
      'Last proved working 1 min ago: a probe through the public URL reached this receiver.',
    )
  })

  it('never says a probe reached the receiver when none has', () => {
    for (const status of statuses) {
      const line = tunnelProofLine({ status, lastProvedAt: null, earlierRunProvedAt: null }, now)
      expect(line).toMatch(/^Not proved working yet: /)
      expect(line).not.toMatch(/probe through the public URL reached/)
    }
  })

  it('tells a tunnel that is off what the probe will do, and one that is up that it has not got through', () => {
    expect(tunnelProofLine({ status: 'off', lastProvedAt: null, earlierRunProvedAt: null }, now)).toContain(
      'once the tunnel is online, a probe through its public URL checks that it reaches this receiver',
    )
    expect(tunnelProofLine({ status: 'online', lastProvedAt: null, earlierRunProvedAt: null }, now)).toContain(
      'no probe through the public URL has reached this receiver so far',
    )
  })

  it('after a Stop and Start, says the tunnel was proved before it, and not yet since', () => {
    for (const status of ['connecting', 'online', 'reconnecting', 'failed'] as const) {
      const line = tunnelProofLine({ status, lastProvedAt: null, earlierRunProvedAt: '2026-12-07T08:56:00.000Z' }, now)
      expect(line).toBe(
        'Proved working 4 min ago, before the tunnel was last started; not yet since: no probe through the public URL has reached this receiver in this run.',
      )
    }
    // This run's own proof is what counts once there is one.
    expect(tunnelProofLine({ status: 'online', lastProvedAt: '2026-12-07T08:59:50.000Z', earlierRunProvedAt: '2026-12-07T08:56:00.000Z' }, now)).toBe(
      'Last proved working 10 s ago: a probe through the public URL reached this receiver.',
    )
    // Off, the last proof is the last proof, whichever run had it.
    expect(tunnelProofLine({ status: 'off', lastProvedAt: null, earlierRunProvedAt: '2026-12-07T08:56:00.000Z' }, now)).toBe(
      'Last proved working 4 min ago: a probe through the public URL reached this receiver.',
    )
  })
})

describe('stand-in subdomain words', () => {
  it('say the requested subdomain is taken, not that the user asked for it (after a relaunch they asked for nothing)', () => {
    const headline = standInHeadline('shop-callbacks', null, 'brave-otter-42')
    expect(headline).toBe(
      '“shop-callbacks” is taken right now, so the tunnel is at “brave-otter-42”: callbacks sent to the “shop-callbacks” URL do not reach this app for now.',
    )
    expect(headline).not.toMatch(/asked for/)
  })

  it('say why the app asked for the name: set in the settings, this tunnel’s, or only remembered from the last launch', () => {
    expect(standInHeadline('shop-callbacks', 'configured', 'brave-otter-42')).toMatch(
      /^The subdomain set in the tunnel settings, “shop-callbacks”, is taken right now, so the tunnel is at “brave-otter-42”/,
    )
    expect(standInHeadline('shop-callbacks', 'held', 'brave-otter-42')).toMatch(/^“shop-callbacks”, the subdomain this tunnel had, is taken right now/)
    const remembered = standInHeadline('shop-callbacks', 'remembered', 'brave-otter-42')
    expect(remembered).toMatch(/^“shop-callbacks”, the subdomain the tunnel had when the app last ran, is taken right now/)
    // After a relaunch the user typed nothing: nothing may say they set or asked for it.
    const rememberedWords = `${remembered} ${standInExplanation('shop-callbacks', 'remembered', null, now)} ${askingLine('shop-callbacks', 'remembered')}`
    expect(rememberedWords).not.toMatch(/you asked|you set|set in the/i)
    expect(standInExplanation('shop-callbacks', 'remembered', null, now)).toContain('so that a URL given to a provider before still works')
    expect(standInKeepHint('remembered', 'brave-otter-42')).toBe('To stay at “brave-otter-42” instead, set it as the subdomain in the tunnel settings.')
    expect(standInKeepHint('configured', 'brave-otter-42')).toBeNull()
    expect(standInKeepHint('held', 'brave-otter-42')).toBeNull()
    expect(askingLine('shop-callbacks', 'configured')).toBe('Asking for “shop-callbacks”, the subdomain set in the settings…')
    expect(askingLine('shop-callbacks', 'held')).toBe('Asking for “shop-callbacks” again, the subdomain this tunnel had…')
    expect(askingLine(null, null)).toBe('Asking for a random subdomain…')
  })

  it('say when the app asks for the taken subdomain next', () => {
    expect(standInExplanation('shop-callbacks', 'held', '2026-12-07T09:04:30.000Z', now)).toContain(
      'The app keeps asking for it (next try in 4 min 30 s) and moves back to it once it is free.',
    )
    expect(hasCountdown(standIn('2026-12-07T09:04:30.000Z'))).toBe(true)
    expect(hasCountdown(standIn(null))).toBe(false)
  })

  it('do not put the taken subdomain down to this app alone', () => {
    expect(standInExplanation('shop-callbacks', 'configured', null, now)).toContain(
      'often this app’s previous one, until the tunnel server notices it is gone, or another client',
    )
    expect(standInExplanation('shop-callbacks', 'remembered', null, now)).toContain(
      'the app’s old one, until the tunnel server notices it is gone, or, as the app was closed for a while, another client',
    )
  })
})

describe('problemSentence', () => {
  it('gives the reason as a sentence, without saying "lost" twice', () => {
    expect(problemSentence("the connection to the tunnel server was lost: the tunnel server's port 44641 refused the tunnel")).toBe(
      "The connection to the tunnel server was lost: the tunnel server's port 44641 refused the tunnel",
    )
    expect(problemSentence('nothing answers at the tunnel server at http://localhost:39857 (connection refused)')).toBe(
      'Nothing answers at the tunnel server at http://localhost:39857 (connection refused)',
    )
  })
})
