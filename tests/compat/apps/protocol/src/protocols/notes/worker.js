globalThis.navigator.serviceWorker.startMessages()

export class Worker {
  #client
  replies = []

  constructor ({ client, env }) {
    this.#client = client
    this.env = env
  }

  start () {
    globalThis.navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.reply) this.replies.push(event.data.reply)
    })
    this.#client.postMessage({ hello: 'from the worker' })
  }
}
