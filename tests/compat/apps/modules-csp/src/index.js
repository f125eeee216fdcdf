import Chart from 'npm:umd-chart'
import { shout } from 'greeting'
import Charts from 'charts'

const violations = []
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI}`)
})

const logo = document.querySelector('#logo')
const image = logo.complete
  ? Promise.resolve(logo.naturalWidth)
  : new Promise((resolve) => {
    logo.addEventListener('load', () => resolve(logo.naturalWidth))
    logo.addEventListener('error', () => resolve(0))
  })

const chart = new Chart(document.querySelector('#chart'), { type: 'line' })

globalThis.modulesApp = {
  chart: typeof Chart,
  version: Chart.version,
  type: chart.type,
  clamped: Chart.helpers.clamp(42, 0, 10),
  sameThroughImportMap: Charts === Chart,
  global: typeof globalThis.Chart,
  greeting: shout('hello'),
  image: await image,
  stylesheet: getComputedStyle(document.body).getPropertyValue('--stylesheet').trim(),
  violations
}
