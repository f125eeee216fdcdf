// `node --import ./plugins/oro-fs/tests/js/support/register.mjs --test ...`: installs hooks.mjs.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
