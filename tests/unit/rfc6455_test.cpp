// The WebSocket wire format, client side: the handshake values, masked client frames, and the
// reader that splits server bytes into messages (whole, partial, fragmented, interleaved control
// frames) and refuses what RFC 6455 forbids.
#include "kucoin/protocol/rfc6455.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kucoin::rfc6455 {
namespace {

// A server frame (unmasked).
std::string server_frame(Opcode op, std::string_view payload, bool fin = true) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<int>(op)));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
  }
  out.append(payload);
  return out;
}

// Every message the reader finds in `bytes`, fed in one piece; `rest` gets what stays unconsumed.
std::vector<std::pair<Opcode, std::string>> read_all(FrameReader& r, std::string_view bytes,
                                                     std::size_t* rest = nullptr) {
  std::vector<std::pair<Opcode, std::string>> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t used = 0;
    auto m = r.next(bytes.substr(pos), used);
    EXPECT_TRUE(m) << (m ? "" : m.error().message);
    if (!m) break;
    pos += used;
    if (!*m) break;
    out.emplace_back((*m)->opcode, std::string((*m)->payload));
  }
  if (rest != nullptr) *rest = bytes.size() - pos;
  return out;
}

TEST(Rfc6455, HandshakeValuesFollowTheRfc) {
  // RFC 6455 §1.3's example.
  EXPECT_EQ(accept_value("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const std::string key = make_key(1, 2);
  EXPECT_EQ(key.size(), 24u) << "base64 of 16 bytes";
  EXPECT_NE(key, make_key(1, 3));
}

TEST(Rfc6455, ClientFramesAreMaskedWithTheRightLengths) {
  for (std::size_t n : {0u, 5u, 125u, 126u, 65535u, 65536u}) {
    const std::string payload(n, 'x');
    std::string out;
    append_frame(out, Opcode::text, payload, 0x11223344u);
    const std::size_t header = n < 126 ? 2 : n <= 0xffff ? 4 : 10;
    ASSERT_EQ(out.size(), header + 4 + n) << n;
    EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x81u);
    EXPECT_EQ(static_cast<unsigned char>(out[1]) & 0x80u, 0x80u) << "the mask bit";
    const unsigned char key[4] = {0x11, 0x22, 0x33, 0x44};
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(static_cast<unsigned char>(out[header + 4 + i]) ^ key[i & 3], static_cast<unsigned char>('x'));
    }
  }
  EXPECT_EQ(close_payload(kCloseNormal, "bye"), std::string("\x03\xe8"
                                                            "bye",
                                                            5));
  EXPECT_EQ(parse_close(std::string("\x03\xe9"
                                    "away",
                                    6))
                .code,
            1001);
  EXPECT_EQ(parse_close(std::string("\x03\xe9"
                                    "away",
                                    6))
                .reason,
            "away");
  EXPECT_EQ(parse_close("").code, kCloseNoStatus);
}

TEST(Rfc6455, ServerFramesAreUnmaskedWithTheRightLengths) {
  // Each length encoding (7-bit, 16-bit, 64-bit), checked against this file's own encoder and
  // read back by the client's reader.
  for (const std::size_t n : {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{300}, std::size_t{65'535},
                              std::size_t{65'536}}) {
    std::string payload(n, 'x');
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string out = "prefix";
    append_server_frame(out, Opcode::text, payload);
    EXPECT_EQ(out, "prefix" + server_frame(Opcode::text, payload)) << n;
    FrameReader reader(1u << 20, 0);
    const auto got = read_all(reader, std::string_view(out).substr(6));
    ASSERT_EQ(got.size(), 1u) << n;
    EXPECT_EQ(got[0].first, Opcode::text);
    EXPECT_EQ(got[0].second, payload);
  }
}

TEST(Rfc6455, ManyFramesInOneReadArePartialOnesWait) {
  FrameReader r(1 << 20);
  const std::string big(70'000, 'b');
  const std::string bytes = server_frame(Opcode::text, "{\"a\":1}") + server_frame(Opcode::ping, "p") +
                            server_frame(Opcode::binary, big) + server_frame(Opcode::text, std::string(300, 'c'));
  std::size_t rest = 0;
  auto all = read_all(r, bytes, &rest);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], std::make_pair(Opcode::text, std::string("{\"a\":1}")));
  EXPECT_EQ(all[1].first, Opcode::ping);
  EXPECT_EQ(all[2].second.size(), big.size());
  EXPECT_EQ(rest, 0u);
  // Cut anywhere: what is whole comes out, the rest waits.
  for (std::size_t cut : {1u, 2u, 9u, 10u, 12u, 5000u}) {
    FrameReader p(1 << 20);
    (void)read_all(p, std::string_view(bytes).substr(0, cut), &rest);
    EXPECT_EQ(rest, cut - (cut >= 9 ? 9 : 0) - (cut >= 12 ? 3 : 0)) << cut;
  }
}

TEST(Rfc6455, FragmentedMessagesAreReassembledAroundControlFrames) {
  FrameReader r(1 << 20, 64);
  const std::string bytes = server_frame(Opcode::text, "{\"part\":", false) + server_frame(Opcode::ping, "x") +
                            server_frame(Opcode::continuation, "1,", false) +
                            server_frame(Opcode::continuation, "\"end\":2}");
  auto all = read_all(r, bytes);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, Opcode::ping) << "the control frame in between comes first";
  EXPECT_EQ(all[1], std::make_pair(Opcode::text, std::string("{\"part\":1,\"end\":2}")));
  // The reassembled message keeps its padding readable.
  std::size_t used = 0;
  FrameReader q(1 << 20, 64);
  auto m = q.next(server_frame(Opcode::text, "ab", false) + server_frame(Opcode::continuation, "cd"), used);
  ASSERT_TRUE(m && *m);
  EXPECT_EQ((*m)->payload, "abcd");
  for (std::size_t i = 0; i < 64; ++i) EXPECT_EQ((*m)->payload.data()[4 + i], '\0');
}

TEST(Rfc6455, ViolationsAreErrors) {
  auto error_of = [](const std::string& bytes, std::size_t max = 1 << 20) {
    FrameReader r(max);
    std::size_t used = 0;
    auto m = r.next(bytes, used);
    return m ? std::string("no error") : m.error().message;
  };
  std::string masked = server_frame(Opcode::text, "");
  masked[1] = static_cast<char>(0x80);
  masked += "abcd";
  EXPECT_NE(error_of(masked).find("masked"), std::string::npos);
  std::string reserved = server_frame(Opcode::text, "x");
  reserved[0] = static_cast<char>(0xC1);
  EXPECT_NE(error_of(reserved).find("reserved"), std::string::npos);
  std::string unknown = server_frame(Opcode::text, "x");
  unknown[0] = static_cast<char>(0x83);
  EXPECT_NE(error_of(unknown).find("opcode 3"), std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::ping, std::string(126, 'p'))).find("control frame of 126"),
            std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::ping, "p", false)).find("fragmented control"), std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::continuation, "x")).find("continuation"), std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::close, "x")).find("1-byte"), std::string::npos);
  EXPECT_NE(
      error_of(server_frame(Opcode::text, "x", false) + server_frame(Opcode::text, "y")).find("before the fragmented"),
      std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::text, std::string(101, 'x')), 100).find("limit is 100"), std::string::npos);
  EXPECT_NE(error_of(server_frame(Opcode::text, std::string(60, 'x'), false) +
                         server_frame(Opcode::continuation, std::string(60, 'y')),
                     100)
                .find("limit is 100"),
            std::string::npos)
      << "the limit counts the whole message";
}

}  // namespace
}  // namespace kucoin::rfc6455
