// The CommonJS globals of a page, as Oro's preload gives them to every page of the app:
// `require` (relative to the page's URL), `module` (the page's module, `Module.main`),
// `__filename` (the page's URL) and `__dirname` (its directory's), non-enumerable and
// read-only, defined again when the history moves to another URL. Loaded by oro:bootstrap once
// the page is idle after `runtimeinit`: oro:module imports every module the host serves, which
// a page's start should not wait for. A page that defines `module` itself keeps it. Not a
// module of its own (no declarations).

const NAMES = Object.freeze(['require', 'module', '__filename', '__dirname'])

/**
 * Defines the globals on `target` (once; again on `popstate`).
 * @param {any} [target]
 * @returns {Promise<boolean>} whether they were defined
 */
export async function install (target = globalThis) {
  if (!target.document || ('module' in target && !installed.has(target))) return false
  const { Module } = await import('../../module.js')
  const define = () => {
    const href = String(target.location.href).split('#')[0]
    const directory = href.slice(0, href.lastIndexOf('/'))
    const values = [Module.createRequire(href), Module.main, href, directory]
    for (const [index, name] of NAMES.entries()) {
      Object.defineProperty(target, name, { configurable: true, enumerable: false, writable: false, value: values[index] })
    }
  }
  if (!installed.has(target)) {
    installed.add(target)
    target.addEventListener('popstate', define)
  }
  define()
  return true
}

/** @type {WeakSet<object>} */
const installed = new WeakSet()
