// oro:template: what page JavaScript imports to use the oro-template plugin.
//   import { echo, digest } from 'oro:template'
//   const { value, greeting } = await echo('hi')
//   const { sha256, size } = await digest(new TextEncoder().encode('hi'))
// Keep it thin: validation and work belong in the Python handlers, which every transport reaches.
import { request } from 'oro:ipc'

/** @param {unknown} value */
export async function echo (value) {
  return await request('template.echo', { value })
}

/** @param {ArrayBuffer | ArrayBufferView | Blob | string} data */
export async function digest (data) {
  return await request('template.digest', undefined, { body: data, method: 'POST' })
}

export default { echo, digest }
