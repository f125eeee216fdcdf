/**
 * `oro:mcp` — Oro's MCP server module: the page's tools and resources, served by the host to
 * MCP clients over Streamable HTTP on a loopback port (oro-mcp, permission `mcp`).
 * @module oro:mcp
 */

export interface MCPIcon { src: string, mimeType?: string, sizes?: string[], theme?: 'light' | 'dark' }
export interface MCPToolAnnotations {
  title?: string, readOnlyHint?: boolean, destructiveHint?: boolean, idempotentHint?: boolean, openWorldHint?: boolean
}
export interface MCPAnnotations { audience?: Array<'user' | 'assistant'>, priority?: number, lastModified?: string }
export type MCPJSONValue = string | number | boolean | null | MCPJSONValue[] | { [key: string]: MCPJSONValue }
export interface MCPTextContent { type: 'text', text: string, annotations?: MCPAnnotations, _meta?: Record<string, any> }
export interface MCPBinaryContent { type: 'image' | 'audio', data: string, mimeType: string, annotations?: MCPAnnotations, _meta?: Record<string, any> }
export interface MCPResourceLinkContent {
  type: 'resource_link', name: string, uri: string, title?: string, description?: string, mimeType?: string,
  size?: number, icons?: MCPIcon[], annotations?: MCPAnnotations, _meta?: Record<string, any>
}
export interface MCPResourceContents { uri: string, text?: string, blob?: string, mimeType?: string, _meta?: Record<string, any> }
export interface MCPEmbeddedResourceContent { type: 'resource', resource: MCPResourceContents, annotations?: MCPAnnotations, _meta?: Record<string, any> }
export type MCPContentBlock = MCPTextContent | MCPBinaryContent | MCPResourceLinkContent | MCPEmbeddedResourceContent
export interface MCPToolResult { content: MCPContentBlock[], structuredContent?: MCPJSONValue, isError?: boolean, _meta?: Record<string, any> }
/** A whole result, or any JSON value (its `structuredContent`, with its JSON text as content). */
export type MCPToolHandlerResult = MCPToolResult | MCPJSONValue | undefined

export interface MCPToolInvocationContext { id: string, name: string, sessionId: string, arguments: Record<string, any> }
export interface MCPRegisterToolOptions {
  name: string
  title?: string
  description?: string
  inputSchema?: Record<string, any>
  outputSchema?: Record<string, any>
  icons?: MCPIcon[]
  annotations?: MCPToolAnnotations
  _meta?: Record<string, any>
  /** Oro's deprecated alias for `_meta`. */
  metadata?: any
  handler?: (context: MCPToolInvocationContext) => MCPToolHandlerResult | Promise<MCPToolHandlerResult>
}
export interface MCPToolDescriptor {
  name: string, title?: string, description?: string, inputSchema: Record<string, any>, outputSchema?: Record<string, any>,
  icons?: MCPIcon[], annotations?: MCPToolAnnotations, _meta?: Record<string, any>, metadata?: Record<string, any>
}

export interface MCPResourceDescriptor {
  uri: string, name?: string, title?: string, description?: string, mimeType?: string, icons?: MCPIcon[],
  annotations?: MCPAnnotations, size?: number, _meta?: Record<string, any>, subscribable?: boolean, metadata?: any
}
export interface MCPResourceContext { id: string, uri: string, sessionId: string, params: Record<string, any>, descriptor: MCPResourceDescriptor }
export interface MCPResourceContentInput { uri?: string, text?: string, blob?: string | Uint8Array, mimeType?: string, _meta?: Record<string, any> }
export interface MCPResourceHandlerResultObject { contents: MCPResourceContentInput[], _meta?: Record<string, any> }
export type MCPResourceHandlerResult = MCPResourceHandlerResultObject | MCPResourceContentInput | MCPResourceContentInput[] | string | Uint8Array | null | undefined
export interface MCPRegisterResourceOptions extends Omit<MCPResourceDescriptor, 'subscribable'> {
  subscribable?: boolean
  handler?: (context: MCPResourceContext) => MCPResourceHandlerResult | Promise<MCPResourceHandlerResult>
  onSubscribe?: (context: MCPResourceContext) => void | Promise<void>
  onUnsubscribe?: (context: MCPResourceContext) => void | Promise<void>
}

export interface MCPInvocationOptions { sessionId?: string }
export interface MCPPublishResourceOptions { sessionId?: string, subscriptionId?: string }

export interface MCPAuthorizationRequest {
  id: string, method: string, path: string, remoteAddress: string, remotePort: number | null,
  headers: Record<string, string | string[]>, query: Record<string, string | string[]>, authorization?: string, body?: string
}
export interface MCPAuthorizationDecision { allow: boolean, status?: number, message?: string }
export type MCPAuthorizationHandler = (request: MCPAuthorizationRequest) => boolean | MCPAuthorizationDecision | Promise<boolean | MCPAuthorizationDecision>

export interface MCPStartServerOptions {
  /** Loopback unless the app sets `mcp.allow_any_address` (default `127.0.0.1`). */
  host?: string
  /** 0 picks a free port (default 8000, Oro's). */
  port?: number
  /** The Streamable HTTP endpoint's path (default `/mcp`). */
  endpoint?: string
  /** Oro's HTTP+SSE paths: `NotSupportedError` (only Streamable HTTP is served). */
  sse?: string
  message?: string
  /** Clients must send `Authorization: Bearer <token>`. */
  token?: string
  retry?: number
  sessionTtlSeconds?: number
  maxRequestBytes?: number
  maxSessions?: number
  maxQueuedEvents?: number
  maxQueuedBytes?: number
  replaceSseStreamOnReconnect?: boolean
  authorize?: MCPAuthorizationHandler | null
  /** `NotSupportedError` unless `false` or `{ enabled: false }`. */
  oauth?: boolean | { enabled?: boolean, [key: string]: any }
}
export interface MCPStartServerResult { running: boolean, host: string, port: number, endpoint: string }

export function registerTool (tool: MCPRegisterToolOptions): Promise<number | null>
export function unregisterTool (name: string): Promise<boolean>
export function listTools (): Promise<MCPToolDescriptor[]>
export function registerResource (resource: MCPRegisterResourceOptions): Promise<number | null>
export function unregisterResource (uri: string): Promise<boolean>
export function listResources (): Promise<MCPResourceDescriptor[]>
export function invokeTool (name: string, args?: Record<string, any>, options?: MCPInvocationOptions | null): Promise<boolean>
export function publishResource (uri: string, result: MCPResourceHandlerResult, options?: MCPPublishResourceOptions | null): Promise<boolean>
export function setAuthorizationHandler (handler: MCPAuthorizationHandler | null | undefined): Promise<void>
export function startServer (options?: MCPStartServerOptions | null): Promise<MCPStartServerResult>
export function stopServer (): Promise<boolean>
export function serverStatus (): Promise<boolean>

declare const mcp: {
  registerTool: typeof registerTool
  unregisterTool: typeof unregisterTool
  listTools: typeof listTools
  registerResource: typeof registerResource
  unregisterResource: typeof unregisterResource
  listResources: typeof listResources
  invokeTool: typeof invokeTool
  publishResource: typeof publishResource
  setAuthorizationHandler: typeof setAuthorizationHandler
  startServer: typeof startServer
  stopServer: typeof stopServer
  serverStatus: typeof serverStatus
}
export default mcp
