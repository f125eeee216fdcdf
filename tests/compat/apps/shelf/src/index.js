import { shelve } from './shelf.js'

// The bundle says 'bundled' here: the page tells which one the runtime served.
globalThis.shelf = { build: 'source', notes: shelve(['pears', 'apples'], 'figs') }

window.addEventListener('DOMContentLoaded', () => {
  document.querySelector('h1').textContent = globalThis.shelf.notes.join(', ')
})
