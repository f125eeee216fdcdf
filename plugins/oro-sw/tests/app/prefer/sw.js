// Handler-first: this handler answers first; what it leaves goes to the host.
import { serve } from '/oro/service-worker/worker.js'

serve((request) => {
  const url = new URL(request.url)
  if (url.pathname === '/prefer/exists.txt') return new Response('worker first')
  return undefined
}, { shouldPreferServiceWorker: true })
