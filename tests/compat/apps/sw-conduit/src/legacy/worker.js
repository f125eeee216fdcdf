export default async function (request) {
  if (new URL(request.url).pathname === '/legacy/api/ping') {
    return Response.json({ pong: true, method: request.method })
  }
}
