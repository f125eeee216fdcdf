// oro:hello: what page JavaScript imports to use oro-hello.
//   import { greet } from 'oro:hello'
//   const { message } = await greet('Ada', { excited: true })
import { request } from 'oro:ipc'

/**
 * @param {string} name
 * @param {{ excited?: boolean }} [options]
 */
export async function greet (name, { excited = false } = {}) {
  return await request('hello.greet', { name, excited })
}

export default { greet }
