// Fetch-first: the host answers what it has; this handler answers its 404s.
import { serve } from '/oro/service-worker/worker.js'

serve(async (request, env) => {
  const url = new URL(request.url)
  switch (url.pathname) {
    case '/missing':
      return new Response('worker answered missing')
    case '/exists.txt':
      return new Response('worker text (never: the host has this file)')
    case '/env-set':
      await env.set('value', url.searchParams.get('value'))
      return new Response('set')
    case '/env-get':
      return Response.json({ value: env.get('value') ?? null, id: env.id })
    case '/stream': {
      // The app's handler streaming a server-sent event stream of the host's through the worker.
      const upstream = await fetch('/sse/events')
      return new Response(upstream.body, {
        headers: { 'content-type': 'text/event-stream', 'x-through': 'worker' }
      })
    }
  }
})
