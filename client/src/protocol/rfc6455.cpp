#include "kucoin/protocol/rfc6455.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>

namespace kucoin::rfc6455 {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

bool is_control(Opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool known(std::uint8_t op) noexcept { return op <= 2 || (op >= 8 && op <= 10); }

Result<std::optional<Message>> violation(std::string what) { return fail(Errc::protocol_violation, std::move(what)); }

}  // namespace

std::string make_key(std::uint64_t a, std::uint64_t b) {
  std::array<unsigned char, 16> raw{};
  for (int i = 0; i < 8; ++i) {
    raw[static_cast<std::size_t>(i)] = static_cast<unsigned char>(a >> (8 * i));
    raw[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(b >> (8 * i));
  }
  return base64(raw.data(), raw.size());
}

std::string accept_value(std::string_view key) {
  std::string in(key);
  in += kGuid;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(in.data(), in.size(), md, &len, EVP_sha1(), nullptr);
  return base64(md, len);
}

namespace {

// FIN, the opcode, the mask bit and the payload length (RFC 6455 §5.2).
void append_header(std::string& out, Opcode opcode, std::size_t n, bool masked) {
  const unsigned char mask_bit = masked ? 0x80 : 0;
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
  }
}

}  // namespace

void append_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask) {
  const std::size_t n = payload.size();
  append_header(out, opcode, n, true);
  const std::array<unsigned char, 4> key = {static_cast<unsigned char>(mask >> 24),
                                            static_cast<unsigned char>(mask >> 16),
                                            static_cast<unsigned char>(mask >> 8), static_cast<unsigned char>(mask)};
  for (unsigned char k : key) out.push_back(static_cast<char>(k));
  const std::size_t at = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) {
    out[at + i] = static_cast<char>(static_cast<unsigned char>(out[at + i]) ^ key[i & 3]);
  }
}

void append_server_frame(std::string& out, Opcode opcode, std::string_view payload) {
  append_header(out, opcode, payload.size(), false);
  out.append(payload);
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xff));
  out.append(reason.substr(0, 123));
  return out;
}

CloseInfo parse_close(std::string_view payload) noexcept {
  CloseInfo c;
  if (payload.size() >= 2) {
    c.code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                        static_cast<unsigned char>(payload[1]));
    c.reason = payload.substr(2);
  }
  return c;
}

FrameReader::FrameReader(std::size_t max_message_bytes, std::size_t padding)
    : max_message_bytes_(max_message_bytes), padding_(padding) {}

Result<std::optional<Message>> FrameReader::next(std::string_view bytes, std::size_t& used) {
  std::size_t pos = 0;
  used = 0;
  for (;;) {
    const std::size_t avail = bytes.size() - pos;
    if (avail < 2) return std::optional<Message>();
    const auto b0 = static_cast<unsigned char>(bytes[pos]);
    const auto b1 = static_cast<unsigned char>(bytes[pos + 1]);
    const bool fin = (b0 & 0x80) != 0;
    const std::uint8_t op = b0 & 0x0f;
    if ((b0 & 0x70) != 0) return violation("a frame with reserved bits set (no extension was negotiated)");
    if (!known(op)) return violation("a frame with the unknown opcode " + std::to_string(op));
    if ((b1 & 0x80) != 0) return violation("a masked frame from the server");
    const auto opcode = static_cast<Opcode>(op);
    std::uint64_t len = b1 & 0x7f;
    std::size_t header = 2;
    if (len == 126) {
      if (avail < 4) return std::optional<Message>();
      len = (static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[pos + 2])) << 8) |
            static_cast<unsigned char>(bytes[pos + 3]);
      header = 4;
    } else if (len == 127) {
      if (avail < 10) return std::optional<Message>();
      len = 0;
      for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(bytes[pos + 2 + i]);
      if ((len >> 63) != 0) return violation("a frame length with the most significant bit set");
      header = 10;
    }
    if (is_control(opcode)) {
      if (!fin) return violation("a fragmented control frame");
      if (len > 125) return violation("a control frame of " + std::to_string(len) + " bytes (at most 125)");
      if (opcode == Opcode::close && len == 1) return violation("a close frame with a 1-byte payload");
    } else if (opcode == Opcode::continuation) {
      if (!in_message_) return violation("a continuation frame without a message to continue");
    } else if (in_message_) {
      return violation("a new message before the fragmented one ended");
    }
    const std::uint64_t total = (opcode == Opcode::continuation ? assembled_.size() : 0) + len;
    if (total > max_message_bytes_) {
      return violation("a message of " + std::to_string(total) + " bytes (the limit is " +
                       std::to_string(max_message_bytes_) + ")");
    }
    if (avail - header < len) return std::optional<Message>();
    const std::string_view payload = bytes.substr(pos + header, static_cast<std::size_t>(len));
    pos += header + static_cast<std::size_t>(len);
    if (is_control(opcode) || (fin && opcode != Opcode::continuation)) {
      used = pos;
      return std::optional<Message>(Message{opcode, payload});
    }
    if (opcode != Opcode::continuation) {  // the first fragment
      in_message_ = true;
      message_opcode_ = opcode;
      assembled_.assign(payload);
    } else {
      assembled_.append(payload);
    }
    used = pos;
    if (opcode == Opcode::continuation && fin) {
      in_message_ = false;
      const std::size_t n = assembled_.size();
      assembled_.append(padding_, '\0');
      return std::optional<Message>(Message{message_opcode_, std::string_view(assembled_.data(), n)});
    }
  }
}

}  // namespace kucoin::rfc6455
