#include "kucoin/protocol/headers.hpp"

namespace kucoin {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view SignedHeaders::get(std::string_view name) const noexcept {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

bool is_sensitive_header(std::string_view name) noexcept {
  return iequals(name, "KC-API-SIGN") || iequals(name, "KC-API-PASSPHRASE") || iequals(name, "KC-API-PARTNER-SIGN");
}

}  // namespace kucoin
