/**
 * `oro:https` (also `node:https`) — Node's HTTPS client over the page's `fetch`: the same
 * classes as `oro:http` with an `Agent` whose default port is 443 and protocol `https:`.
 * Certificates are the browser's business: an untrusted one fails the request (`error` with
 * code `ERR_NETWORK`); `ca`, `cert`, `key`, `rejectUnauthorized` cannot change that.
 *
 * ```js
 * import https from 'node:https'
 * https.get('https://example.com/', (res) => res.pipe(sink))
 * ```
 * @module oro:https
 */

import * as http from './http.js'

export {
  ACCEPTED, ALREADY_REPORTED, BAD_GATEWAY, BAD_REQUEST, BANDWIDTH_LIMIT_EXCEEDED, CONFLICT, CONTINUE, CREATED,
  EARLY_HINTS, EXPECTATION_FAILED, FAILED_DEPENDENCY, FORBIDDEN, FOUND, GATEWAY_TIMEOUT, GONE,
  HTTP_VERSION_NOT_SUPPORTED, IM_A_TEAPOT, IM_USED, INSUFFICIENT_STORAGE, INTERNAL_SERVER_ERROR, LENGTH_REQUIRED,
  LOCKED, LOOP_DETECTED, METHODS, METHOD_NOT_ALLOWED, MISDIRECTED_REQUEST, MOVED_PERMANENTLY, MULTIPLE_CHOICES,
  MULTISTATUS, NETWORK_AUTHENTICATION_REQUIRED, NONAUTHORITATIVE_INFORMATION, NOT_ACCEPTABLE, NOT_EXTENDED,
  NOT_FOUND, NOT_IMPLEMENTED, NOT_MODIFIED, NO_CONTENT, OK, PARTIAL_CONTENT, PAYLOAD_TOO_LARGE, PAYMENT_REQUIRED,
  PERMANENT_REDIRECT, PRECONDITION_FAILED, PRECONDITION_REQUIRED, PROCESSING, PROXY_AUTHENTICATION_REQUIRED,
  RANGE_NOT_SATISFIABLE, REQUEST_HEADER_FIELDS_TOO_LARGE, REQUEST_TIMEOUT, RESET_CONTENT, SEE_OTHER,
  SERVICE_UNAVAILABLE, STATUS_CODES, SWITCHING_PROTOCOLS, TEMPORARY_REDIRECT, TOO_EARLY, TOO_MANY_REQUESTS,
  UNAUTHORIZED, UNAVAILABLE_FOR_LEGAL_REASONS, UNPROCESSABLE_ENTITY, UNSUPPORTED_MEDIA_TYPE, UPGRADE_REQUIRED,
  URI_TOO_LONG, USE_PROXY, VARIANT_ALSO_NEGOTIATES, AgentOptions, ClientRequest, Connection, IncomingMessage,
  OutgoingMessage, Server, ServerResponse, createServer
} from './http.js'

/** Node's `https.Agent`: `defaultPort` 443, `protocol` `'https:'`. */
export class Agent extends http.Agent {
  /** @param {Record<string, any>} [options] */
  constructor (options = {}) {
    super(options)
    this.defaultPort = 443
    this.protocol = 'https:'
    this.defaultProtocol = 'https:'
  }
}

/** The default agent of `oro:https`. */
export const globalAgent = new Agent()

/**
 * Make an HTTPS request; write a body and call `end()` to send it.
 * @param {string | URL | import('./http.js').RequestOptions} input
 * @param {import('./http.js').RequestOptions | ((res: http.IncomingMessage) => void)} [options]
 * @param {(res: http.IncomingMessage) => void} [callback]
 * @returns {http.ClientRequest}
 */
export function request (input, options = undefined, callback = undefined) {
  return new http.ClientRequest(input, options, callback, globalAgent)
}

/**
 * A `GET` request over HTTPS, already ended.
 * @param {string | URL | import('./http.js').RequestOptions} input
 * @param {import('./http.js').RequestOptions | ((res: http.IncomingMessage) => void)} [options]
 * @param {(res: http.IncomingMessage) => void} [callback]
 * @returns {http.ClientRequest}
 */
export function get (input, options = undefined, callback = undefined) {
  const req = request(input, options, callback)
  req.end()
  return req
}

export default {
  Agent,
  ClientRequest: http.ClientRequest,
  IncomingMessage: http.IncomingMessage,
  METHODS: http.METHODS,
  OutgoingMessage: http.OutgoingMessage,
  STATUS_CODES: http.STATUS_CODES,
  Server: http.Server,
  ServerResponse: http.ServerResponse,
  createServer: http.createServer,
  get,
  globalAgent,
  request
}
