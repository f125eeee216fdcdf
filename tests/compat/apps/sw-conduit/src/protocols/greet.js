export default async function (request) {
  const url = new URL(request.url)
  return Response.json({ scheme: url.protocol, path: url.pathname, query: url.search })
}
