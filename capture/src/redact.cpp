#include "kucoin/capture/redact.hpp"

#include <algorithm>
#include <array>

namespace kucoin::capture {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

constexpr std::array<std::string_view, 9> kSecretHeaders = {
    "KC-API-KEY",          "KC-API-SIGN",    "KC-API-PASSPHRASE",
    "KC-API-PARTNER-SIGN", "KC-BROKER-SIGN", "KC-API-PARTNER-VERIFY",
    "Authorization",       "Cookie",         "Set-Cookie",
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool is_secret_header(std::string_view name) noexcept {
  return std::any_of(kSecretHeaders.begin(), kSecretHeaders.end(),
                     [&](std::string_view s) { return iequals(s, name); });
}

void redact_headers(std::vector<std::pair<std::string, std::string>>& headers) {
  for (auto& [name, value] : headers) {
    if (is_secret_header(name)) value = kRedacted;
  }
}

std::string redact_url(std::string_view url) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  std::string_view query = url.substr(q + 1);
  std::string_view fragment;
  if (const auto h = query.find('#'); h != std::string_view::npos) {
    fragment = query.substr(h);
    query = query.substr(0, h);
  }
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && iequals(param.substr(0, eq), "token")) {
      out.append(param.substr(0, eq + 1));
      out += kRedacted;
    } else {
      out.append(param);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  out.append(fragment);
  return out;
}

bool redact_json_tokens(std::string& json) {
  static constexpr std::string_view kKey = "\"token\"";
  bool changed = false;
  std::size_t pos = 0;
  while ((pos = json.find(kKey, pos)) != std::string::npos) {
    std::size_t i = pos + kKey.size();
    while (i < json.size() && is_space(json[i])) ++i;
    if (i >= json.size() || json[i] != ':') {
      pos = i;
      continue;
    }
    ++i;
    while (i < json.size() && is_space(json[i])) ++i;
    if (i >= json.size() || json[i] != '"') {
      pos = i;
      continue;
    }
    const std::size_t start = i + 1;
    std::size_t end = start;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2U : 1U;
    end = std::min(end, json.size());
    json.replace(start, end - start, kRedacted);
    changed = true;
    pos = start + kRedacted.size();
  }
  return changed;
}

void redact_record(CaptureRecord& r) {
  switch (r.kind) {
    case RecordKind::http_request:
    case RecordKind::http_response:
      redact_headers(r.headers);
      if (r.url.find('?') != std::string::npos) r.url = redact_url(r.url);
      if (r.payload.find("\"token\"") != std::string::npos) redact_json_tokens(r.payload);
      break;
    case RecordKind::connect:
    case RecordKind::token_fetched:
      if (r.url.find('?') != std::string::npos) r.url = redact_url(r.url);
      break;
    default: break;
  }
}

}  // namespace kucoin::capture
