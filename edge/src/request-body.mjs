// Reading a request's JSON body within the gateway's size limit (LLMUX_MAX_BODY_BYTES): a
// declared length over it is refused before a byte is read, and a body that grows past it
// while streaming in is refused as soon as it does, so an oversized body is never held whole.

/** Why a body was refused: `status` 413 (too large) or 400 (not JSON, not an object). */
export class BodyError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The body as text, within the limit; throws BodyError (413, or 400 for bytes that are not UTF-8). */
export async function readBodyText(request, limitBytes) {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limitBytes) throw new BodyError(413, `the request body is ${declared} bytes, over the gateway's limit of ${limitBytes}`);
  const chunks = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limitBytes) {
        await reader.cancel().catch(() => {});
        throw new BodyError(413, `the request body is over the gateway's limit of ${limitBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError(400, 'the request body is not UTF-8 text');
  }
}

/** The body parsed as a JSON object, within the limit; throws BodyError. */
export async function readJsonBody(request, limitBytes) {
  const text = await readBodyText(request, limitBytes);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BodyError(400, 'the request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BodyError(400, 'the request body must be a JSON object');
  return body;
}
