// The dashboard's one way to the server: the JSON API and its events, beside this page under /_nccoflow/.

/** The API answered 401: the page shows the sign-in form. */
export class SignInNeeded extends Error {}

/** The API refused a request: its coded error. */
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message)
    this.code = code
    this.status = status
  }
}

/** Calls `api/<path>` with a JSON body when given; resolves to the JSON answer (undefined for a 204). */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(`api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status === 401) throw new SignInNeeded('sign in')
  const data = response.status === 204 ? undefined : await response.json()
  if (!response.ok) throw new ApiError(data?.message ?? response.statusText, data?.code, response.status)
  return data
}

/** Listens to the server's events (`call`, `webhook`); returns what stops listening. */
export function listen(handlers) {
  const source = new EventSource('api/events')
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handler(JSON.parse(event.data)))
  }
  return () => source.close()
}
