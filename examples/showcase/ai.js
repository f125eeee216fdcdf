// The showcase's chat panel (oro:ai): a local LLM streaming its answer into the page, token by
// token, with a Stop button that aborts the request (the host then stops generating). It needs
// no setup: without a configured model the oro-ai plugin serves SmolLM2-135M-Instruct, which
// ships inside the oro-ai-smollm2 package.

const section = document.createElement('section')
section.id = 'ai'
section.innerHTML = `
  <h2>Local LLM (oro:ai)</h2>
  <p id="ai-model" class="muted">–</p>
  <pre id="ai-transcript" aria-live="polite"></pre>
  <form id="ai-form">
    <input id="ai-prompt" autocomplete="off" placeholder="Ask something…"
           value="What is the capital of France?">
    <button id="ai-send" type="submit">Send</button>
    <button id="ai-stop" type="button" disabled>Stop</button>
    <button id="ai-clear" type="button">Clear</button>
  </form>
  <p id="ai-stats" class="muted"></p>`
document.querySelector('main')?.append(section)

const $ = (id) => document.getElementById(id)
const transcript = $('ai-transcript')
const prompt = $('ai-prompt')
const send = $('ai-send')
const stop = $('ai-stop')
const style = document.createElement('style')
style.textContent = `
  #ai pre { min-height: 6rem; white-space: pre-wrap; }
  #ai form { display: flex; flex-wrap: wrap; gap: 0 0.25rem; align-items: baseline; }
  #ai input { flex: 1 1 12rem; font: inherit; padding: 0.2rem 0.4rem; }
  #ai .muted { color: var(--muted); margin: 0.25rem 0; font-size: 13px; }`
document.head.append(style)

/** The conversation so far, as OpenAI chat messages. */
const messages = [{ role: 'system', content: 'You are a helpful assistant. Answer briefly.' }]
let controller = null

function fail (error) {
  $('ai-stats').classList.add('error')
  $('ai-stats').textContent = `${error.name} ${error.code ?? ''} ${error.status ?? ''}: ${error.message}`
}

async function ask (ai, question) {
  messages.push({ role: 'user', content: question })
  transcript.textContent += `${transcript.textContent ? '\n\n' : ''}you: ${question}\nassistant: `
  controller = new AbortController()
  send.disabled = true
  stop.disabled = false
  $('ai-stats').classList.remove('error')
  $('ai-stats').textContent = 'thinking…'
  const started = performance.now()
  let firstToken = 0
  let answer = ''
  let tokens = 0
  try {
    const stream = await ai.chat({
      messages,
      stream: true,
      max_tokens: 256,
      temperature: 0.2,
      stream_options: { include_usage: true },
      signal: controller.signal
    })
    for await (const text of stream.text()) {
      firstToken ||= performance.now()
      answer += text
      tokens += 1
      transcript.textContent += text
      transcript.scrollTop = transcript.scrollHeight
    }
    const seconds = (performance.now() - (firstToken || started)) / 1000
    const count = stream.usage?.completion_tokens ?? tokens
    $('ai-stats').textContent = `${count} tokens, ${(count / Math.max(seconds, 1e-3)).toFixed(1)} tok/s, ` +
      `first token after ${((firstToken - started) / 1000).toFixed(2)} s (${stream.finishReason})`
  } catch (error) {
    if (error.name === 'AbortError') {
      transcript.textContent += ' [stopped]'
      $('ai-stats').textContent = `stopped after ${tokens} tokens`
    } else {
      fail(error)
    }
  } finally {
    messages.push({ role: 'assistant', content: answer })
    controller = null
    send.disabled = false
    stop.disabled = true
  }
}

if (globalThis.isOroRuntime) {
  try {
    const ai = await import('oro:ai')
    const available = await ai.models()
    $('ai-model').textContent = available.length
      ? `models: ${available.map((model) => model.id).join(', ')}`
      : 'no model found (see docs/ai.md)'
    $('ai-form').addEventListener('submit', (event) => {
      event.preventDefault()
      const question = prompt.value.trim()
      if (!question || controller) return
      prompt.value = ''
      ask(ai, question)
    })
    stop.addEventListener('click', () => controller?.abort())
    $('ai-clear').addEventListener('click', () => {
      messages.splice(1)
      transcript.textContent = ''
      $('ai-stats').textContent = ''
    })
  } catch (error) {
    $('ai-model').textContent = 'the oro-ai plugin is not installed'
    send.disabled = true
    fail(error)
  }
}
