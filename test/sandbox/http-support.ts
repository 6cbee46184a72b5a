import { WAIT_MS } from './support.js';

export interface Reply {
  status: number;
  body: Record<string, unknown> & { metadata?: Record<string, unknown> };
  headers: Headers;
}

/** One request to the sandbox over real HTTP; bodies are sent as JSON unless a string is given. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; accept?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  if (opts.accept !== undefined) headers['Accept'] = opts.accept;
  const res = await fetch(base + path, {
    method,
    headers,
    ...(opts.body === undefined
      ? {}
      : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === '' ? {} : (JSON.parse(text) as Reply['body']),
    headers: res.headers,
  };
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown> & { metadata: Record<string, unknown> };
}

/** Opens a watch and collects events until `done` says so (or the stream ends); then closes it. */
export async function watchUntil(
  base: string,
  path: string,
  done: (events: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), WAIT_MS);
  const events: WatchEvent[] = [];
  try {
    const res = await fetch(base + path, { signal: abort.signal });
    if (res.body === null) throw new Error('watch without a body');
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffered.slice(0, nl)) as WatchEvent);
        buffered = buffered.slice(nl + 1);
      }
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

/** Opens a watch whose events are read later (the watch is established when this resolves). */
export async function openWatch(base: string, path: string) {
  const abort = new AbortController();
  const res = await fetch(base + path, { signal: abort.signal });
  if (res.body === null) throw new Error('watch without a body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events: WatchEvent[] = [];
  let buffered = '';
  const next = async (count: number): Promise<WatchEvent[]> => {
    const timer = setTimeout(() => abort.abort(), WAIT_MS);
    try {
      while (events.length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffered.slice(0, nl)) as WatchEvent);
          buffered = buffered.slice(nl + 1);
        }
      }
    } finally {
      clearTimeout(timer);
    }
    return events.slice(0, count);
  };
  return { status: res.status, next, close: () => abort.abort() };
}
