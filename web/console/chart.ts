// Chart.js, registered with only the pieces the console draws (bars, lines, time on a linear
// axis), behind one component. The canvas carries a label for screen readers; each view
// also gives the same numbers as a table.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration, type Plugin,
} from 'chart.js'
import { html } from 'htm/preact'
import { useEffect, useRef } from 'preact/hooks'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend)
// Redrawn on every poll: no animation (and none for people who asked for less motion).
Chart.defaults.animation = false
Chart.defaults.font.family = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'

export const KIND_COLORS: Record<string, string> = {
  'financing-application': '#2f6fb0',
  'data-authorization': '#2a7a4a',
  'authorization-revocation': '#c0392b',
  evidence: '#8a5a00',
  redaction: '#6b6b7b',
}

export function ChartView({ config, label, id }: { config: ChartConfiguration; label: string; id?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  // Made anew for each config (no animation, so it costs a redraw): data, options and
  // plugins such as the date marker then always agree.
  useEffect(() => {
    const chart = new Chart(canvas.current!, config)
    return () => chart.destroy()
  }, [config])
  return html`<div class="chart" id=${id}><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`
}

/** A vertical line at x (a moment, in ms) across the chart area: the date the auditor picked. */
export function markerAt(x: number, color = '#1d2330'): Plugin {
  return {
    id: 'marker',
    afterDatasetsDraw(c) {
      const scale = c.scales.x
      const px = scale.getPixelForValue(x)
      if (px < c.chartArea.left || px > c.chartArea.right) return
      const ctx = c.ctx
      ctx.save()
      ctx.strokeStyle = color
      ctx.lineWidth = 2
      ctx.setLineDash([6, 4])
      ctx.beginPath()
      ctx.moveTo(px, c.chartArea.top)
      ctx.lineTo(px, c.chartArea.bottom)
      ctx.stroke()
      ctx.restore()
    },
  }
}
