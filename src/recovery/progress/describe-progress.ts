import {formatCount} from '../format/format-count.js'
import type {ProgressSnapshot} from './work-progress.js'

/** "about 45 s", "about 3 min 10 s", "about 2 h 5 min": coarse enough not to flicker, fine enough to plan by. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds))
  if (whole < 60) return `about ${whole} s`
  // Ten-second steps past the first minute: the last digit of a moving estimate means nothing.
  const tens = Math.round(whole / 10) * 10
  if (tens < 3600) {
    const minutes = Math.floor(tens / 60)
    const rest = tens % 60
    return `about ${minutes} min${rest === 0 ? '' : ` ${rest} s`}`
  }
  const minutes = Math.round(whole / 60)
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return `about ${hours} h${rest === 0 ? '' : ` ${rest} min`}`
}

/** Whole percent, rounded down: it says 100% only when everything is done. */
function percent(done: number, total: number): string {
  return `${Math.floor((done * 100) / total)}%`
}

/**
 * One progress line: "Feed: 45,000 of 200,000 documents (22%), 8,100 a second, about 19 s left". Without a
 * whole (nothing counted) just the count; the rate and the time left once they are known.
 */
export function describeProgress(snapshot: ProgressSnapshot, unit: string): string {
  const {done, total, current, perSecond, secondsLeft} = snapshot
  const where = current === undefined ? '' : `${current}: `
  if (total === 0) return `${where}${formatCount(done)} ${unit}`
  const parts = [`${where}${formatCount(done)} of ${formatCount(total)} ${unit} (${percent(done, total)})`]
  if (perSecond !== undefined) parts.push(`${formatCount(Math.round(perSecond))} a second`)
  if (done >= total) parts.push('finishing')
  else if (secondsLeft !== undefined) parts.push(`${formatDuration(secondsLeft)} left`)
  return parts.join(', ')
}
