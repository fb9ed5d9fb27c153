#include <llmux/ndjson_decoder.hpp>
#include <llmux/utf8.hpp>

#include <cstring>

namespace llmux {

NdjsonDecoder::NdjsonDecoder(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

void NdjsonDecoder::feed(std::string_view bytes, std::vector<std::string> &lines) {
  while (!error_ && !bytes.empty()) {
    const void *found = std::memchr(bytes.data(), '\n', bytes.size());
    std::size_t end =
        found ? static_cast<std::size_t>(static_cast<const char *>(found) - bytes.data())
              : bytes.size();
    if (line_.size() + end > max_line_bytes_) {
      error_ = bad_response("an NDJSON line is longer than " + std::to_string(max_line_bytes_) +
                            " bytes");
      line_.clear();
      return;
    }
    if (!found) {
      line_.append(bytes);
      return;
    }
    if (line_.empty()) {
      emit(bytes.substr(0, end), lines);
    } else {
      line_.append(bytes.substr(0, end));
      std::string line = std::move(line_);
      line_.clear();
      emit(line, lines);
    }
    bytes.remove_prefix(end + 1);
  }
}

void NdjsonDecoder::finish(std::vector<std::string> &lines) {
  if (error_ || line_.empty())
    return;
  std::string line = std::move(line_);
  line_.clear();
  emit(line, lines);
}

void NdjsonDecoder::emit(std::string_view line, std::vector<std::string> &lines) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos)
    return; // blank lines separate nothing in NDJSON; servers send them as keep-alives
  if (std::size_t bad = first_invalid_utf8(line); bad != line.size()) {
    error_ = bad_response("an NDJSON line is not valid UTF-8 (ill-formed byte at offset " +
                          std::to_string(bad) + ")");
    return;
  }
  lines.emplace_back(line);
}

} // namespace llmux
