// oro:template: what page JavaScript imports to use the template plugin.
//   import { echo } from 'oro:template'
//   const { value, greeting } = await echo('hi')
import { request } from 'oro:ipc'

export async function echo (value) {
  return await request('template.echo', { value })
}

export default { echo }
