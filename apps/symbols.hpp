// Command-line symbol lists: checked before anything starts, so a typo is a usage error with a
// clear message rather than a failed case or a mock that serves a symbol nobody can subscribe.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace kucoin::apps {

// Drops repeated symbols (keeping the first); returns an error text for an empty or malformed
// one (KuCoin symbols are letters, digits, '-' and '_': "BTC-USDT"), else an empty string.
inline std::string normalize_symbols(std::vector<std::string>& symbols) {
  std::vector<std::string> out;
  for (const std::string& s : symbols) {
    const bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!ok) return "--symbols: \"" + s + "\" is not a symbol (expected e.g. BTC-USDT)";
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  symbols = std::move(out);
  return {};
}

}  // namespace kucoin::apps
