// Socket's shape of a service worker: a module whose default export answers fetches.
export default async function (request) {
  if (new URL(request.url).pathname === '/hello.json') {
    return Response.json({ message: 'hello browser extension from the worker' })
  }
}
