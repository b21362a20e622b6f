// The SDK's Streamable HTTP transport hands one long-lived AbortSignal to every POST, and each fetch
// leaves an abort listener on it: after ~1,500 calls Node warns of a leak and memory grows. This fetch
// gives each request its own signal, linked to the transport's and unlinked when the body ends.

export const leakFreeFetch: typeof fetch = async (input, init) => {
  const outer = init?.signal;
  if (!outer) return fetch(input, init);
  const inner = new AbortController();
  const onAbort = () => inner.abort(outer.reason);
  if (outer.aborted) inner.abort(outer.reason);
  else outer.addEventListener("abort", onAbort, { once: true });
  const unlink = () => outer.removeEventListener("abort", onAbort);
  let response: Response;
  try {
    response = await fetch(input, { ...init, signal: inner.signal });
  } catch (error) {
    unlink();
    throw error;
  }
  if (!response.body || !response.ok) {
    unlink();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          unlink();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        unlink();
        controller.error(error);
      }
    },
    cancel(reason) {
      unlink();
      return reader.cancel(reason);
    },
  });
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(wrapped, "url", { value: response.url });
  return wrapped;
};
