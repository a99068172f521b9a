/**
 * Runs tasks one at a time per key, in arrival order, while different keys run concurrently.
 * Keys with nothing pending hold no memory.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Number of keys with work pending. */
  get size(): number {
    return this.#tails.size
  }

  /** Runs `task` after every earlier task of the same key has settled; resolves or rejects with its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.then(() => undefined, () => undefined)
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}
