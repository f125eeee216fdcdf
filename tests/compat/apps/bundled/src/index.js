import process from 'socket:process'
import os from 'socket:os'
import { greeting } from './greeting.js'

if (process.env.DEBUG) {
  console.log('started in debug mode')
}

// The template sets the label 500 ms after load, which races its own test on a busy machine:
// here the label changes when asked ('greet'), so the test decides when.
window.addEventListener('greet', () => {
  document.querySelector('h1').textContent = greeting(os.platform())
})
