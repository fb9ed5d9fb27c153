#pragma once
/// The limits every call runs under: how many bytes an upstream may make llmux hold, and how
/// long it may make a call wait. One table for every driver: the native one (libcurl) and the
/// package's (fetch) read these, so that a call ends the same way wherever it runs.
///
/// Sizes count the bytes that reach the decoders, after any decompression (gzip, br): that is
/// what memory holds. A body past its limit is `bad_response`, with a message naming the limit;
/// the driver stops reading it at once. Each stream line (an SSE event, an NDJSON line) has its
/// own limit of 16 MiB (SseOptions::max_event_bytes, NdjsonDecoder), as it always had.

#include <cstddef>
#include <cstdint>

namespace llmux {

/// A whole (not streamed) answer with a 2xx status: 32 MiB. The largest real answers are a
/// few MB: 128k output tokens (today's largest max_tokens) are about 0.5 MB of JSON text, an
/// inline base64 image (Gemini's image output, gpt-image's b64_json) a few MB. 32 MiB held
/// with its parse stays far under the 256 MB a process may reach on a hostile answer.
inline constexpr std::size_t max_response_body_bytes = std::size_t{32} << 20;

/// An error body (any status but 2xx): 1 MiB. Providers' errors are JSON of under a KB, a
/// proxy's HTML error page tens of KB; nothing in a bigger one is worth holding.
inline constexpr std::size_t max_error_body_bytes = std::size_t{1} << 20;

/// A streamed answer, all its bytes together: 64 MiB. A stream of the longest answers (128k
/// tokens, an SSE event of about 250 bytes each) is about 32 MB. The answer is built up as it
/// streams, so this also bounds what memory holds of it. It is also the most any body may
/// decompress to: drivers stop every body there, whatever reads it.
inline constexpr std::size_t max_stream_body_bytes = std::size_t{64} << 20;

/// Decompressed bytes per compressed byte, at most: 100. A gzip bomb inflates about 1000:1
/// (zlib's best) and brotli far more; JSON and SSE compress 5 to 30:1. The precedent is
/// Apache POI's zip-bomb guard (ZipSecureFile's minimum inflate ratio of 0.01). Native only:
/// fetch hides how many bytes came compressed.
inline constexpr std::uint64_t max_decompression_ratio = 100;

/// The ratio is checked once this many bytes came out of the decompressor: a small body may
/// compress far better (a run of spaces), and costs nothing either way.
inline constexpr std::size_t decompression_ratio_floor_bytes = std::size_t{1} << 20;

/// The default deadline of a call, from its start to its end across retries, fallbacks and
/// tool rounds: 10 minutes, as the OpenAI and Anthropic SDKs default to. A call to a
/// reasoning model, or a long answer, legitimately takes minutes.
inline constexpr std::int64_t default_timeout_ms = 600'000;

/// The default idle limit of an exchange: nothing from the server for 5 minutes ends it (and
/// the session may retry it within the deadline). Shorter than the deadline, so that a dead
/// connection leaves time for another attempt; no shorter, because a reasoning model asked
/// without streaming sends nothing until it is done, and a call cut short is still paid for.
/// Node's fetch (undici) gives up on a silent server after the same 5 minutes.
inline constexpr std::int64_t default_idle_timeout_ms = 300'000;

/// The default limit of one response, from its first byte to its last: 10 minutes. With the
/// default deadline it changes nothing; it holds each answer to 10 minutes when a deadline is
/// raised for a long tool loop (a server dripping bytes slower than the idle limit could
/// otherwise hold one attempt for the whole deadline).
inline constexpr std::int64_t default_response_timeout_ms = 600'000;

/// The default number of tool rounds of a call (SessionConfig::max_rounds): the tools the
/// model asks for are run up to 3 times, then it is asked for a final answer. Enough for a
/// lookup and a computation on its result; a model that keeps asking past it is looping.
inline constexpr int default_max_rounds = 3;

} // namespace llmux
