/**
 * `oro:https` (also `node:https`) — Node's HTTPS client over the page's `fetch` (the browser
 * checks certificates).
 * @module oro:https
 * @alias node:https
 */

import type { ClientRequest, IncomingMessage, RequestOptions } from './http.js'
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

/** `defaultPort` 443, `protocol` `'https:'`. */
export class Agent extends http.Agent {}
export const globalAgent: Agent

export function request (input: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void): ClientRequest
export function get (input: string | URL | RequestOptions, options?: RequestOptions | ((res: IncomingMessage) => void), callback?: (res: IncomingMessage) => void): ClientRequest

declare const https: {
  Agent: typeof Agent
  ClientRequest: typeof http.ClientRequest
  IncomingMessage: typeof http.IncomingMessage
  METHODS: typeof http.METHODS
  OutgoingMessage: typeof http.OutgoingMessage
  STATUS_CODES: typeof http.STATUS_CODES
  Server: typeof http.Server
  ServerResponse: typeof http.ServerResponse
  createServer: typeof http.createServer
  get: typeof get
  globalAgent: typeof globalAgent
  request: typeof request
}
export default https
