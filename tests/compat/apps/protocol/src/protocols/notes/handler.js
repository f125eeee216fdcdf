import process from 'socket:process'
import { Router } from 'npm:@oro-fixture/tiny-router'

import { Worker } from './worker.js'

const { NOTES_GREETING = 'no greeting' } = process.env

const app = new Router({ getPath: (request) => new URL(request.url).pathname })
let worker = null

app.on('POST', '/worker/start', async (request, env, ctx) => {
  if (!worker) {
    worker = new Worker({ client: await ctx.client(), env })
    worker.start()
  }
  return new Response('', { status: 200 })
})

app.on('GET', '/current', async () => {
  return Response.json({ greeting: NOTES_GREETING, replies: worker?.replies ?? [] })
})

app.on('POST', '/count', async (request, env) => {
  env.count = (env.count ?? 0) + 1
  return Response.json({ count: env.count })
})

export default async function (request, env, ctx) {
  const response = await app.fetch(request, env, ctx)
  response.headers.set('cache-control', 'no-cache')
  return response
}
