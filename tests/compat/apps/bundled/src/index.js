import process from 'socket:process'
import os from 'socket:os'
import { greeting } from './greeting.js'

if (process.env.DEBUG) {
  console.log('started in debug mode')
}

window.addEventListener('DOMContentLoaded', () => {
  setTimeout(() => {
    document.querySelector('h1').textContent = greeting(os.platform())
  }, 500)
})
