/**
 * `oro:mcp` — Oro's MCP server module: the page registers tools and resources, the host serves
 * them to MCP clients (an AI assistant, an IDE) over MCP's Streamable HTTP transport on a
 * loopback port, and asks the page to run a tool or read a resource when a client does.
 *
 * ```js
 * import mcp from 'oro:mcp'
 * await mcp.registerTool({
 *   name: 'add',
 *   inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
 *   handler: ({ arguments: { a, b } }) => ({ sum: a + b })
 * })
 * const { port, endpoint } = await mcp.startServer({ port: 0, token: 'secret' })
 * ```
 *
 * Oro's names and results (its `api/mcp/index.js`); each call is an `oro:ipc` request to a host
 * route `mcp.server.*` (oro-mcp, permission `mcp`). The host asks this page with the events
 * `mcp.tool.invoke`, `mcp.resource.read` and `mcp.server.authorize`, and the page answers by
 * route: only the window that registered a tool may answer for it.
 * @module oro:mcp
 */

import { request } from 'oro:ipc'
import { on } from 'oro:hooks'

/** @type {Map<string, Function>} */
const tools = new Map()
/** @type {Map<string, { read: Function | null, subscribe: Function | null, unsubscribe: Function | null, descriptor: any }>} */
const resources = new Map()
/** @type {Function | null} */
let authorizer = null
let listening = false

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * @param {string} route
 * @param {Record<string, unknown>} [fields]
 */
async function call (route, fields = {}) {
  return await request(route, undefined, { method: 'POST', body: JSON.stringify(fields) })
}

/** Answer the host without letting a failed answer (the client gave up) reach the page. */
function answer (route, fields) {
  call(route, fields).catch(() => {})
}

function listen () {
  if (listening) return
  listening = true
  on('mcp.tool.invoke', (event) => runTool(/** @type {any} */ (event).detail ?? {}))
  on('mcp.resource.read', (event) => readResource(/** @type {any} */ (event).detail ?? {}))
  on('mcp.server.authorize', (event) => judge(/** @type {any} */ (event).detail ?? {}))
}

function isObject (value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function checkString (value, label) {
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`${label} must be a string`)
}

function checkObject (value, label) {
  if (value !== undefined && !isObject(value)) throw new TypeError(`${label} must be an object`)
}

function checkName (value, label) {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${label} must be a non-empty string`)
}

function checkIcons (icons, label) {
  if (icons === undefined) return
  if (!Array.isArray(icons)) throw new TypeError(`${label} must be an array`)
  icons.forEach((icon, index) => {
    if (!isObject(icon)) throw new TypeError(`${label}[${index}] must be an object`)
    checkName(icon.src, `${label}[${index}].src`)
    checkString(icon.mimeType, `${label}[${index}].mimeType`)
    if (icon.theme !== undefined && icon.theme !== 'light' && icon.theme !== 'dark') {
      throw new TypeError(`${label}[${index}].theme must be 'light' or 'dark'`)
    }
  })
}

function checkAnnotations (annotations, label) {
  if (annotations === undefined) return
  checkObject(annotations, label)
  if (annotations.audience !== undefined &&
      (!Array.isArray(annotations.audience) || annotations.audience.some((role) => role !== 'user' && role !== 'assistant'))) {
    throw new TypeError(`${label}.audience must contain only 'user' or 'assistant'`)
  }
  if (annotations.priority !== undefined &&
      (!Number.isFinite(annotations.priority) || annotations.priority < 0 || annotations.priority > 1)) {
    throw new RangeError(`${label}.priority must be a number from 0 through 1`)
  }
}

function checkFunctions (value, keys, label) {
  for (const key of keys) {
    if (value[key] !== undefined && typeof value[key] !== 'function') throw new TypeError(`${label}.${key} must be a function`)
  }
}

/** A JSON value with nothing JSON cannot say (`undefined`, a function, `NaN`...). */
function checkJSON (value, label) {
  JSON.stringify(value, (_key, nested) => {
    if (typeof nested === 'number' && !Number.isFinite(nested)) throw new TypeError(`${label} numbers must be finite`)
    if (nested === undefined || ['bigint', 'function', 'symbol'].includes(typeof nested)) {
      throw new TypeError(`${label} must contain only JSON values`)
    }
    return nested
  })
}

function checkContent (content, index) {
  const label = `Tool result content[${index}]`
  if (!isObject(content)) throw new TypeError(`${label} must be an object`)
  if (typeof content.type !== 'string') throw new TypeError(`${label}.type must be a string`)
  checkObject(content._meta, `${label}._meta`)
  checkAnnotations(content.annotations, `${label}.annotations`)
  switch (content.type) {
    case 'text':
      if (typeof content.text !== 'string') throw new TypeError(`${label}.text must be a string`)
      return
    case 'image':
    case 'audio':
      if (typeof content.data !== 'string' || !BASE64.test(content.data)) throw new TypeError(`${label}.data must be valid base64`)
      checkName(content.mimeType, `${label}.mimeType`)
      return
    case 'resource_link':
      checkName(content.name, `${label}.name`)
      checkName(content.uri, `${label}.uri`)
      return
    case 'resource':
      resourceContent(content.resource, '')
      return
    default:
      throw new TypeError(`${label}.type is not a supported MCP content type`)
  }
}

/** MCP's CallToolResult for what a handler returned: a result as it is, or any JSON value as
 * its `structuredContent` with the JSON text as its content. */
function toolResult (result) {
  if (isObject(result) && Array.isArray(result.content)) {
    result.content.forEach(checkContent)
    if (result.isError !== undefined && typeof result.isError !== 'boolean') throw new TypeError('Tool result isError must be a boolean')
    if (result.structuredContent !== undefined) checkJSON(result.structuredContent, 'Tool result structuredContent')
    checkObject(result._meta, 'Tool result _meta')
    return result
  }
  if (result === undefined) return { content: [] }
  checkJSON(result, 'Tool result')
  return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result }
}

function base64 (bytes) {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}

function resourceContent (content, uri, mimeType) {
  if (typeof content === 'string') content = { text: content }
  else if (content instanceof Uint8Array) content = { blob: content }
  if (!isObject(content)) throw new TypeError('Resource contents must be objects, strings, or bytes')
  const target = typeof content.uri === 'string' && content.uri.length > 0 ? content.uri : uri
  if (!target) throw new TypeError('Resource content requires a non-empty uri')
  const blob = content.blob instanceof Uint8Array ? base64(content.blob) : content.blob
  const hasText = typeof content.text === 'string'
  if (hasText === (typeof blob === 'string')) throw new TypeError('Resource content must contain exactly one string field: text or blob')
  if (!hasText && !BASE64.test(blob)) throw new TypeError('Resource blob must be valid base64')
  const normalized = { uri: target, ...(hasText ? { text: content.text } : { blob }) }
  const type = content.mimeType ?? (hasText ? undefined : mimeType || 'application/octet-stream')
  if (type !== undefined) {
    checkName(type, 'Resource content mimeType')
    normalized.mimeType = type
  }
  if (content._meta !== undefined) {
    checkObject(content._meta, 'Resource content _meta')
    normalized._meta = content._meta
  }
  return normalized
}

/** MCP's ReadResourceResult for what a read handler returned. */
function resourceResult (result, descriptor) {
  const uri = descriptor?.uri || ''
  const mimeType = descriptor?.mimeType
  const one = (content) => resourceContent(content, uri, mimeType)
  if (result === null || result === undefined) return { contents: [] }
  if (Array.isArray(result)) return { contents: result.map(one) }
  if (isObject(result) && Array.isArray(result.contents)) {
    checkObject(result._meta, 'Resource result _meta')
    return { contents: result.contents.map(one), ...(result._meta ? { _meta: result._meta } : {}) }
  }
  if (typeof result === 'string' || result instanceof Uint8Array || isObject(result)) return { contents: [one(result)] }
  throw new TypeError('Unsupported resource handler result')
}

function runTool ({ id, tool, sessionId, arguments: text }) {
  if (!id || !tool) return
  const handler = tools.get(tool)
  if (typeof handler !== 'function') {
    answer('mcp.server.rejectInvocation', { id, message: `No handler registered for tool: ${tool}` })
    return
  }
  Promise.resolve()
    .then(() => handler({ id, name: tool, sessionId: sessionId || '', arguments: text ? JSON.parse(text) : {} }))
    // A handler that throws is a tool error the client sees (MCP's isError), not a protocol error.
    .catch((error) => ({ content: [{ type: 'text', text: error?.message || String(error) }], isError: true }))
    .then((result) => answer('mcp.server.resolveInvocation', { id, result: JSON.stringify(toolResult(result)) }))
    .catch((error) => answer('mcp.server.rejectInvocation', { id, message: error?.message || String(error) }))
}

function readResource ({ id, resource, sessionId, params, descriptor }) {
  if (!id || !resource) return
  const entry = resources.get(resource)
  if (typeof entry?.read !== 'function') {
    answer('mcp.server.rejectResource', { id, message: `No handler registered for resource: ${resource}` })
    return
  }
  entry.descriptor = descriptor ?? entry.descriptor
  const context = { id, uri: resource, sessionId: sessionId || '', params: isObject(params) ? params : {}, descriptor: entry.descriptor }
  Promise.resolve()
    .then(() => entry.read(context))
    .then((result) => answer('mcp.server.resolveResource', { id, result: JSON.stringify(resourceResult(result, entry.descriptor)) }))
    .catch((error) => answer('mcp.server.rejectResource', { id, message: error?.message || String(error) }))
}

function pairs (list) {
  const out = {}
  for (const { name, value } of Array.isArray(list) ? list : []) {
    if (typeof name !== 'string') continue
    out[name] = name in out ? [].concat(out[name], value) : value
  }
  return out
}

function judge (data) {
  const { id } = data
  if (!id) return
  const handler = authorizer
  const context = {
    id,
    method: data.method || 'GET',
    path: data.path || '/',
    remoteAddress: data.remoteAddress || '',
    remotePort: typeof data.remotePort === 'number' ? data.remotePort : null,
    headers: pairs(data.headers),
    query: pairs(data.query),
    ...(typeof data.authorization === 'string' ? { authorization: data.authorization } : {}),
    ...(typeof data.body === 'string' ? { body: data.body } : {})
  }
  Promise.resolve()
    .then(() => (typeof handler === 'function' ? handler(context) : false))
    .then((decision) => {
      const fields = { id, allow: Boolean(isObject(decision) && 'allow' in decision ? decision.allow : decision) }
      if (isObject(decision) && Number.isInteger(decision.status)) fields.status = decision.status
      if (isObject(decision) && typeof decision.message === 'string') fields.message = decision.message
      answer('mcp.server.resolveAuthorization', fields)
    })
    .catch((error) => answer('mcp.server.resolveAuthorization', { id, allow: false, message: error?.message || 'Unauthorized' }))
}

/** Register a tool MCP clients may call (replacing this page's tool of the same name). */
export async function registerTool (tool) {
  if (!isObject(tool)) throw new TypeError('tool.name must be a non-empty string')
  checkName(tool.name, 'tool.name')
  const inputSchema = tool.inputSchema ?? { type: 'object' }
  if (!isObject(inputSchema) || inputSchema.type !== 'object') throw new TypeError("tool.inputSchema must declare type 'object' at its root")
  checkObject(tool.outputSchema, 'tool.outputSchema')
  checkString(tool.title, 'tool.title')
  checkString(tool.description, 'tool.description')
  checkIcons(tool.icons, 'tool.icons')
  checkObject(tool.annotations, 'tool.annotations')
  checkObject(tool._meta ?? tool.metadata, 'tool metadata')
  checkFunctions(tool, ['handler'], 'tool')
  const { name, title, description, outputSchema, icons, annotations } = tool
  const { id } = await call('mcp.server.registerTool', {
    name, title, description, inputSchema, outputSchema, icons, annotations, _meta: tool._meta ?? tool.metadata
  })
  if (typeof tool.handler === 'function') {
    listen()
    tools.set(name, tool.handler)
  } else {
    tools.delete(name)
  }
  return id ?? null
}

/** Remove one of this page's tools; whether it was registered. */
export async function unregisterTool (name) {
  checkName(name, 'name')
  const { removed } = await call('mcp.server.unregisterTool', { name })
  if (removed) tools.delete(name)
  return Boolean(removed)
}

function withMeta (descriptor) {
  return { ...descriptor, ...(descriptor._meta !== undefined ? { metadata: descriptor._meta } : {}) }
}

/** Every registered tool's descriptor (every window's). */
export async function listTools () {
  const { tools: list } = await call('mcp.server.listTools')
  return list.map((tool) => withMeta({ title: '', description: '', ...tool }))
}

/** Register a resource MCP clients may read. */
export async function registerResource (resource) {
  if (!isObject(resource)) throw new TypeError('resource.uri must be a non-empty string')
  checkName(resource.uri, 'resource.uri')
  for (const key of ['name', 'title', 'description', 'mimeType']) checkString(resource[key], `resource.${key}`)
  checkIcons(resource.icons, 'resource.icons')
  checkAnnotations(resource.annotations, 'resource.annotations')
  checkObject(resource._meta ?? resource.metadata, 'resource metadata')
  checkFunctions(resource, ['handler', 'onSubscribe', 'onUnsubscribe'], 'resource')
  if (resource.subscribable !== undefined && typeof resource.subscribable !== 'boolean') throw new TypeError('resource.subscribable must be a boolean')
  if (resource.size !== undefined && (!Number.isSafeInteger(resource.size) || resource.size < 0)) {
    throw new TypeError('resource.size must be a non-negative safe integer')
  }
  const { uri, name, title, description, mimeType, icons, annotations, size } = resource
  const fields = { uri, name, title, description, mimeType, icons, annotations, size, _meta: resource._meta ?? resource.metadata }
  const { id } = await call('mcp.server.registerResource', fields)
  const read = resource.handler ?? null
  const subscribe = resource.onSubscribe ?? null
  const unsubscribe = resource.onUnsubscribe ?? null
  if (read || subscribe || unsubscribe) {
    listen()
    resources.set(uri, { read, subscribe, unsubscribe, descriptor: { ...fields, name: name || uri } })
  } else {
    resources.delete(uri)
  }
  return id ?? null
}

/** Remove one of this page's resources; whether it was registered. */
export async function unregisterResource (uri) {
  checkName(uri, 'uri')
  const { removed } = await call('mcp.server.unregisterResource', { uri })
  if (removed) resources.delete(uri)
  return Boolean(removed)
}

/** Every registered resource's descriptor (every window's). */
export async function listResources () {
  const { resources: list } = await call('mcp.server.listResources')
  return list.map((resource) => withMeta({ title: '', description: '', mimeType: '', subscribable: false, ...resource }))
}

/** Run a registered tool as a client would; whether the host accepted it (the result is not kept). */
export async function invokeTool (name, args = {}, options = null) {
  checkName(name, 'name')
  if (!isObject(args)) throw new TypeError('args must be an object')
  if (options !== null && !isObject(options)) throw new TypeError('options must be an object')
  checkString(options?.sessionId, 'options.sessionId')
  const { accepted } = await call('mcp.server.invokeTool', { name, arguments: args, sessionId: options?.sessionId ?? '' })
  return Boolean(accepted)
}

/** Send an update to a resource's subscribers: `false`, as clients cannot subscribe here. */
export async function publishResource (uri, result, options = null) {
  checkName(uri, 'uri')
  if (options !== null && !isObject(options)) throw new TypeError('options must be an object')
  checkString(options?.sessionId, 'options.sessionId')
  checkString(options?.subscriptionId, 'options.subscriptionId')
  resourceResult(result, resources.get(uri)?.descriptor ?? { uri })
  const { delivered } = await call('mcp.server.publishResource', { uri })
  return Boolean(delivered)
}

/** Judge every HTTP request to the endpoint with `handler` (`null` stops). */
export async function setAuthorizationHandler (handler) {
  if (handler !== undefined && handler !== null && typeof handler !== 'function') {
    throw new TypeError('handler must be a function, null, or undefined')
  }
  if (typeof handler === 'function') {
    await call('mcp.server.setAuthHandler')
    listen()
    authorizer = handler
  } else {
    await call('mcp.server.clearAuthHandler')
    authorizer = null
  }
}

function checkCount (options, key, maximum = Number.MAX_SAFE_INTEGER) {
  const value = options[key]
  if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0 || value > maximum)) {
    throw new RangeError(`${key} must be a positive safe integer`)
  }
}

/** Listen for MCP clients; answers where (`port: 0` picks a free port). */
export async function startServer (options = null) {
  if (options !== null && !isObject(options)) throw new TypeError('options must be an object')
  const fields = { ...(options ?? {}) }
  for (const key of ['host', 'endpoint', 'sse', 'message']) {
    if (fields[key] !== undefined) checkName(fields[key], key)
  }
  checkString(fields.token, 'token')
  if (fields.port !== undefined && (!Number.isSafeInteger(fields.port) || fields.port < 0 || fields.port > 65535)) {
    throw new RangeError('port must be a safe integer from 0 through 65535')
  }
  checkCount(fields, 'retry', 0xffffffff)
  for (const key of ['sessionTtlSeconds', 'maxRequestBytes', 'maxSessions', 'maxQueuedEvents', 'maxQueuedBytes']) checkCount(fields, key)
  if ('authorize' in fields) await setAuthorizationHandler(fields.authorize)
  delete fields.authorize
  const result = await call('mcp.server.start', fields)
  return { running: Boolean(result.running), host: result.host, port: result.port, endpoint: result.endpoint }
}

/** Stop listening; whether the server is stopped. */
export async function stopServer () {
  const { running } = await call('mcp.server.stop')
  return running === false
}

/** Whether the server is listening. */
export async function serverStatus () {
  const { running } = await call('mcp.server.status')
  return Boolean(running)
}

export default {
  registerTool,
  unregisterTool,
  listTools,
  registerResource,
  unregisterResource,
  listResources,
  invokeTool,
  publishResource,
  setAuthorizationHandler,
  startServer,
  stopServer,
  serverStatus
}
