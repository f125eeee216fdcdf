// The web platform panel: the camera, the location and the network status, each the page's own
// standard API. What the page may use is the host's permission broker's to decide
// (docs/design.md, "The permission broker"): [permissions] in oro.toml, the app's backend, what
// the user remembered, else a prompt over this window. `oro config permissions --reset` forgets
// what the user said.

const $ = (id) => document.getElementById(id)

function show (id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

const NAMES = ['camera', 'microphone', 'geolocation']

async function showPermissions () {
  const states = {}
  for (const name of NAMES) {
    const status = await navigator.permissions.query({ name })
    states[name] = status.state
    status.onchange = () => showPermissions()
  }
  show('platform-permissions', states)
}

function showNetwork (event) {
  const detail = event?.detail ?? {}
  show('platform-network', {
    online: navigator.onLine,
    ...(event ? { event: event.type, message: detail.message } : {})
  })
}

async function startCamera () {
  let stream
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true })
  } catch (error) {
    show('platform-camera', `${error.name}: ${error.message || 'the camera was not allowed'}`)
    return
  }
  const video = $('platform-video')
  video.srcObject = stream
  video.hidden = false
  const [track] = stream.getVideoTracks()
  show('platform-camera', { camera: track.label, ...track.getSettings() })
  $('platform-camera-stop').onclick = () => {
    for (const each of stream.getTracks()) each.stop()
    video.hidden = true
    show('platform-camera', 'stopped')
  }
}

function locate () {
  show('platform-location', 'asking…')
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { latitude, longitude, accuracy } = position.coords
      show('platform-location', { latitude, longitude, accuracy })
    },
    (error) => show('platform-location', `GeolocationPositionError ${error.code}: ${error.message}`),
    { timeout: 10_000 }
  )
}

async function main () {
  globalThis.addEventListener('online', showNetwork)
  globalThis.addEventListener('offline', showNetwork)
  showNetwork()
  $('platform-camera-start').addEventListener('click', startCamera)
  $('platform-locate').addEventListener('click', locate)
  await showPermissions()
  $('platform').dataset.ready = 'true'
}

if (globalThis.isOroRuntime) main()
