// Values formatted for people reading a court document: 北京时间 with the zone written out,
// money in 人民币 with thousands separators, sizes in bytes. Pure functions, no locale data,
// so the certificate reads the same on every machine whatever its ICU build or TZ variable.

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000
export const BEIJING_ZONE = '(UTC+8 北京时间)'

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

function beijingParts(iso: string): { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number } {
  const t = Date.parse(iso)
  if (!Number.isFinite(t)) throw new RangeError(`not a date-time: ${iso}`)
  // Shift by the fixed +8 h and read the UTC fields: China has no daylight saving time.
  const b = new Date(t + BEIJING_OFFSET_MS)
  return {
    y: b.getUTCFullYear(), mo: b.getUTCMonth() + 1, d: b.getUTCDate(),
    h: b.getUTCHours(), mi: b.getUTCMinutes(), s: b.getUTCSeconds(), ms: b.getUTCMilliseconds(),
  }
}

/**
 * "2026-12-01 16:00:00 (UTC+8 北京时间)". Milliseconds are shown only when present: ledger
 * times carry them, and a revocation's effect is decided to the millisecond (src/consent.ts).
 */
export function beijingTime(iso: string): string {
  const p = beijingParts(iso)
  const ms = p.ms === 0 ? '' : `.${pad(p.ms, 3)}`
  return `${p.y}-${pad(p.mo)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}${ms} ${BEIJING_ZONE}`
}

/** The Beijing calendar date as yyyymmdd (the date part of a certificate number). */
export function beijingDateCompact(iso: string): string {
  const p = beijingParts(iso)
  return `${p.y}${pad(p.mo)}${pad(p.d)}`
}

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * Record amounts are decimal strings (src/schemas/records.ts), never floats, so they are
 * formatted as text: "500000.00" → "人民币 500,000.00 元". At least two decimals (fen).
 */
export function money(amount: { value: string; currency: string }): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(amount.value)
  if (!m) return `${amount.currency} ${amount.value}`
  const fraction = (m[2] ?? '').padEnd(2, '0')
  const text = `${groupThousands(m[1])}.${fraction}`
  return amount.currency === 'CNY' ? `人民币 ${text} 元` : `${amount.currency} ${text}`
}

/** "2,048 字节": exact bytes, the figure a court compares with the file it holds. */
export function byteSize(size: number): string {
  return `${groupThousands(String(size))} 字节`
}
