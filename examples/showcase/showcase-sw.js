// The worker behind web+showcase:// URLs ([webview.protocol-handlers] in oro.toml; plugin
// oro-sw's helpers). The preload maps web+showcase://note/hi to
// /oro/protocol/web+showcase/note/hi; the host has no such file, so its 404 comes here, and the
// answer counts visits in the registration's Environment, which the host keeps between runs.
import { serve } from '/oro/service-worker/worker.js'

const PREFIX = '/oro/protocol/web+showcase/'

serve(async (request, env) => {
  const url = new URL(request.url)
  if (!url.pathname.startsWith(PREFIX)) return undefined
  const visits = Number(env?.get('visits') ?? 0) + 1
  await env?.set('visits', visits)
  return Response.json({
    url: `web+showcase://${url.pathname.slice(PREFIX.length)}${url.search}`,
    servedBy: 'showcase-sw.js',
    visits
  })
})
