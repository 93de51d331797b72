/**
 * plexo-dotnet signs dates in the local time of the machine that signs. Its SignatureHelper
 * serialises with `DateTimeZoneHandling.Local`, reads that text back with JObject.Parse (which
 * turns every string shaped `yyyy-MM-ddTHH:mm:ss[.fffffff][Z|±hh[:mm]]` into a DateTime, a
 * `TransactionDateTime` field's text as much as a DateTime member), converts each to local time (a
 * UTC or offset time to the same instant, a time without a zone taken as local wall time) and
 * writes it back with that machine's offset (Newtonsoft `DateTimeUtils.WriteDateTimeString`):
 * "2024-05-01T12:00:00Z" is signed as "2024-05-01T09:00:00-03:00" by a server in Montevideo,
 * whatever form the body carries. The signer's zone is not in the envelope, so the verifier
 * rebuilds the signed text for each distinct way a real time zone (the IANA zones the runtime
 * knows) writes the delivery's dates, at most `MAX_LOCAL_DATE_FORMS` of them: each is what
 * plexo-dotnet writes on some machine, and each keeps every date's instant (or wall time), so no
 * changed date can verify.
 */

/** A date as Newtonsoft's DateTimeParser reads it. */
interface NewtonsoftDate {
  /** The wall clock written, as seconds from 0001-01-01 counted like Unix seconds (proleptic Gregorian, read as UTC). */
  wallSeconds: number
  /** The fraction of a second in 100 ns ticks, seven digits. */
  ticks: string
  /** The written offset east of UTC in seconds; `null` for a time without a zone. */
  offsetSeconds: number | null
}

/** The distinct renderings tried at most: a real zone set gives about 40 for one date. */
export const MAX_LOCAL_DATE_FORMS = 64

/** The zone Plexo runs in first (it is Uruguayan), then UTC, then every other zone the runtime knows. */
const PREFERRED_ZONES = ['America/Montevideo', 'UTC']

const NEWTONSOFT_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/

const SECONDS_PER_DAY = 86_400

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** The proleptic Gregorian date of a day count from 1970-01-01 (civil_from_days). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365)
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * mp + 2) / 5) + 1 }
}

/** A string JObject.Parse reads as a DateTime, else `null` (Newtonsoft `DateTimeParser`). */
export function parseNewtonsoftDate(text: string): NewtonsoftDate | null {
  const match = NEWTONSOFT_DATE.exec(text)
  if (!match) return null
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, utc, sign, zoneHour, zoneMinute] = match
  const [year, month, day, hour, minute, second] = [yearText, monthText, dayText, hourText, minuteText, secondText].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (year < 1 || month < 1 || month > 12) return null
  const daysInMonth = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1)
  if (day < 1 || day > daysInMonth || minute >= 60 || second >= 60) return null
  const ticks = (fraction ?? '').padEnd(7, '0')
  // Hour 24 is read as midnight of the next day, only exactly then.
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || Number(ticks) !== 0))) return null
  const wallSeconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
  const offsetSeconds = utc ? 0 : sign ? (sign === '-' ? -1 : 1) * (Number(zoneHour) * 3600 + Number(zoneMinute ?? '0') * 60) : null
  return { wallSeconds, ticks, offsetSeconds }
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>()

/** Every zone to try, in `PREFERRED_ZONES` order first. */
function zonesToTry(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return [...PREFERRED_ZONES, ...known.filter((zone) => !PREFERRED_ZONES.includes(zone))]
}

/** A zone's offset east of UTC, in seconds, at a Unix second. */
function zoneOffsetSeconds(zone: string, unixSeconds: number): number {
  let format = zoneFormats.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    zoneFormats.set(zone, format)
  }
  const name = format.formatToParts(new Date(unixSeconds * 1000)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT'
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(name)
  if (!match?.[1]) return 0
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3] ?? '0') * 60 + Number(match[4] ?? '0'))
}

/**
 * The offset .NET gives a local wall time: the one the zone has then; in a gap or an overlap (a
 * clock change) .NET takes the zone's standard offset, here the smaller of the two.
 */
function offsetOfWallTime(zone: string, wallSeconds: number): number {
  const first = zoneOffsetSeconds(zone, wallSeconds)
  const second = zoneOffsetSeconds(zone, wallSeconds - first)
  if (first === second) return first
  const consistent = [first, second].filter((offset) => zoneOffsetSeconds(zone, wallSeconds - offset) === offset)
  return consistent.length === 1 ? consistent[0]! : Math.min(first, second)
}

const pad = (value: number, digits: number): string => String(value).padStart(digits, '0')

/** A date as plexo-dotnet writes it in `zone`'s local time, or `null` past DateTime's years. */
function localDateText(date: NewtonsoftDate, zone: string): string | null {
  let localSeconds: number
  let offset: number
  if (date.offsetSeconds === null) {
    localSeconds = date.wallSeconds
    offset = offsetOfWallTime(zone, localSeconds)
  } else {
    const instant = date.wallSeconds - date.offsetSeconds
    offset = zoneOffsetSeconds(zone, instant)
    localSeconds = instant + offset
  }
  const days = Math.floor(localSeconds / SECONDS_PER_DAY)
  const secondOfDay = localSeconds - days * SECONDS_PER_DAY
  const { year, month, day } = civilFromDays(days)
  if (year < 1 || year > 9999) return null
  const time = `${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(Math.floor((secondOfDay % 3600) / 60), 2)}:${pad(secondOfDay % 60, 2)}`
  const fraction = date.ticks.replace(/0+$/, '')
  // TimeSpan's Hours and Minutes: a historical offset's seconds are not written.
  const absolute = Math.abs(offset)
  const zoneText = `${offset < 0 ? '-' : '+'}${pad(Math.floor(absolute / 3600), 2)}:${pad(Math.floor((absolute % 3600) / 60), 2)}`
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time}${fraction ? `.${fraction}` : ''}${zoneText}`
}

/** One way a machine's zone writes the delivery's dates. */
export interface LocalDateForm {
  /** The first zone that writes them so (in `PREFERRED_ZONES` order), and how many zones do. */
  zone: string
  zoneCount: number
  /** The offsets written, in the order of the dates. */
  offsets: string[]
  /** Each date string of the body as that zone writes it. */
  written: ReadonlyMap<string, string>
}

/**
 * The distinct local-time forms of `dates` (strings of the body), at most `MAX_LOCAL_DATE_FORMS`;
 * none when no string is a date Newtonsoft reads.
 */
export function localDateForms(strings: Iterable<string>): { forms: LocalDateForm[]; truncated: boolean } {
  const dates = [...new Set(strings)].flatMap((text) => {
    const date = parseNewtonsoftDate(text)
    return date ? [{ text, date }] : []
  })
  if (dates.length === 0) return { forms: [], truncated: false }
  const forms = new Map<string, LocalDateForm>()
  let truncated = false
  for (const zone of zonesToTry()) {
    const written = new Map<string, string>()
    for (const { text, date } of dates) {
      const local = localDateText(date, zone)
      if (local !== null) written.set(text, local)
    }
    const identity = [...written.values()].join('\n')
    const known = forms.get(identity)
    if (known) known.zoneCount++
    else if (forms.size < MAX_LOCAL_DATE_FORMS)
      forms.set(identity, { zone, zoneCount: 1, offsets: [...written.values()].map((local) => local.slice(-6)), written })
    else truncated = true
  }
  return { forms: [...forms.values()], truncated }
}
