// Socket's shape of a service worker: a module whose default export answers fetches.
export default {
  async fetch (request, env, ctx) {
    const url = new URL(request.url)
    if (url.pathname === '/api/hello') {
      return new Response(`hello ${url.searchParams.get('name')} from the worker`, {
        headers: { 'content-type': 'text/plain; charset=utf-8' }
      })
    }
  }
}
