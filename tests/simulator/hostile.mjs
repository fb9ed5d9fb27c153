// The misbehaviours of hostile upstreams, for the Steps that script them: an error that echoes
// the request's own API key, bodies of any size made on the fly, gzip bombs, bytes dripped one
// at a time. (Usage counts no tokenizer produced are `hostile_usage`, in script.mjs.) A client must survive each one without
// leaking the key, holding the body in memory, or waiting forever.

import zlib from 'node:zlib';

// ---------------------------------------------------------------------------------------
// The request's own key

/**
 * The API key a request carried, wherever its provider puts it: `Authorization: Bearer`
 * (OpenAI family, Cohere, Ollama behind a proxy), `x-api-key` (Anthropic), `api-key` (Azure),
 * `x-goog-api-key` or `?key=` (Gemini). Null when it carried none.
 */
export function apiKeyOf(headers, query) {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1] ?? headers['x-api-key'] ?? headers['api-key'] ?? headers['x-goog-api-key'] ?? query.key ?? null;
}

/**
 * A key masked as OpenAI's 401 masks it: its first 8 characters, a star for each of the
 * middle ones, its last 4 ("sk-PMafP***…***E873"). Keys of 12 characters or fewer are all
 * stars but the last 4.
 */
export function maskedKey(key) {
  if (key.length <= 12) return '*'.repeat(Math.max(0, key.length - 4)) + key.slice(-4);
  return key.slice(0, 8) + '*'.repeat(key.length - 12) + key.slice(-4);
}

const noKey = '(no api key in the request)';

/**
 * The Step with `{api_key}` and `{api_key_masked}` replaced, in every string it holds, by the
 * request's key, whole or masked: what a provider does when its message quotes the key it
 * refused.
 */
export function withApiKey(step, key) {
  const whole = key ?? noKey;
  const masked = key === null ? noKey : maskedKey(key);
  const replace = (value) => {
    if (typeof value === 'string') return value.replaceAll('{api_key}', whole).replaceAll('{api_key_masked}', masked);
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([name, inner]) => [replace(name), replace(inner)]));
    return value;
  };
  return replace(step);
}

// ---------------------------------------------------------------------------------------
// Bodies of any size, never held whole

/** A run of `bytes` filler bytes in a body, written piece by piece when its turn comes. */
export class Filler {
  constructor(bytes, byte = 'x') {
    this.bytes = bytes;
    this.byte = byte;
  }
}

// Stands where the filler goes in a body the format writes; plain ASCII, so JSON leaves it as
// it is.
const fillMarker = 'LLMUXSIMULATORFILLSHERE';

/**
 * A body of exactly `bytes` bytes from `pieces`, what a format wrote (one whole body, or the
 * chunks of a stream) for a Step `markedForFill`: the marker is replaced by as many filler
 * bytes as it takes (none when the body is longer than `bytes` without any). Returns the
 * pieces, the marked one now an array [before, Filler, after].
 */
export function filledParts(pieces, bytes) {
  const at = pieces.findIndex((piece) => piece.includes(fillMarker));
  if (at < 0) throw new TypeError('body_bytes: this answer has no text or message to pad');
  const [before, after] = pieces[at].split(fillMarker);
  const rest = pieces.reduce((sum, piece, i) => sum + (i === at ? 0 : Buffer.byteLength(piece)), 0);
  const fill = Math.max(0, bytes - rest - Buffer.byteLength(before) - Buffer.byteLength(after));
  return [...pieces.slice(0, at), [before, new Filler(fill), after], ...pieces.slice(at + 1)];
}

/** The Step whose answer text, or error message, is the place the filler goes. */
export const markedForFill = (step, isError) =>
  (isError ? { ...step, error: { ...(step.error ?? {}), message: fillMarker } } : { ...step, text: fillMarker, chunk_size: fillMarker.length });

/** How many bytes a part (a string, a Filler, or an array of them) is. */
export function bytesOf(part) {
  if (Array.isArray(part)) return part.reduce((sum, inner) => sum + bytesOf(inner), 0);
  return part instanceof Filler ? part.bytes : Buffer.byteLength(part);
}

/** A body without Fillers (a gzip bomb's or a drip's: body_bytes is not theirs) as one Buffer. */
export const bufferOf = (part) => (Array.isArray(part) ? Buffer.concat(part.map(bufferOf)) : Buffer.from(part));

const fillerPieceBytes = 64 * 1024;

/**
 * Writes a part to `res`, each piece once the one before has reached the kernel (its write
 * callback), so that a gigabyte never sits in the simulator's memory and a cut that follows
 * (disconnect_after_chunks) comes after what was written. Resolves when written, or when the
 * client has gone.
 */
export async function writePart(res, part) {
  if (Array.isArray(part)) {
    for (const inner of part) await writePart(res, inner);
    return;
  }
  if (!(part instanceof Filler)) return written(res, part);
  const piece = Buffer.alloc(Math.min(fillerPieceBytes, part.bytes), part.byte);
  for (let left = part.bytes; left > 0 && !res.destroyed; left -= piece.length)
    await written(res, left >= piece.length ? piece : piece.subarray(0, left));
}

const written = (res, chunk) => new Promise((resolve) => res.write(chunk, () => resolve()));

// ---------------------------------------------------------------------------------------
// Gzip bombs

const bombs = new Map(); // inflated size → Promise<{deflated: Buffer, crc: number}>

/**
 * The deflated form of `bytes` newlines (whitespace in JSON, blank lines in SSE and NDJSON),
 * made once per size: zlib deflates a run of one byte about 1000:1, so 1 GB is about 1 MB.
 * It ends with a sync flush (byte-aligned, no final block), so that a fresh deflate stream of
 * the real body can follow it.
 */
function bombOf(bytes) {
  if (!bombs.has(bytes)) {
    bombs.set(bytes, new Promise((resolve, reject) => {
      const deflate = zlib.createDeflateRaw({ level: 9 });
      const out = [];
      deflate.on('data', (part) => out.push(part));
      deflate.on('error', reject);
      const piece = Buffer.alloc(Math.min(1 << 20, bytes), '\n');
      let crc = 0;
      let left = bytes;
      const feed = () => {
        while (left > 0) {
          const part = left >= piece.length ? piece : piece.subarray(0, left);
          left -= part.length;
          crc = zlib.crc32(part, crc);
          if (!deflate.write(part)) return deflate.once('drain', feed);
        }
        deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          resolve({ deflated: Buffer.concat(out), crc });
          deflate.close();
        });
      };
      feed();
    }));
  }
  return bombs.get(bytes);
}

/**
 * A gzip member (RFC 1952) that inflates to `bytes` newlines followed by `body`: the
 * precomputed deflate of the newlines, then a fresh deflate of the body, the CRC-32 of both
 * and their size modulo 2^32.
 */
export async function gzipBomb(bytes, body) {
  const bomb = await bombOf(bytes);
  const tail = Buffer.from(body);
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(tail, bomb.crc), 0);
  trailer.writeUInt32LE((bytes + tail.length) % 2 ** 32, 4);
  return Buffer.concat([header, bomb.deflated, zlib.deflateRawSync(tail), trailer]);
}

/**
 * The first `bytes` bytes of a part (a string, a Buffer, a Filler, or an array of them), in
 * the same form: what a cut or silenced answer sends before it stops.
 */
export function headOf(part, bytes) {
  if (Array.isArray(part)) {
    const out = [];
    for (const inner of part) {
      if (bytes <= 0) break;
      out.push(headOf(inner, bytes));
      bytes -= bytesOf(inner);
    }
    return out;
  }
  if (part instanceof Filler) return new Filler(Math.min(bytes, part.bytes), part.byte);
  return Buffer.from(part).subarray(0, bytes);
}
