// Fuzz target: level2 update frames (/market/level2:SYM, trade.l2update), the client's hot path.
// Properties, for every input:
//   - the fast scanners and the validating simdjson path agree: both accept with equal updates, or
//     both refuse (L2Decoder::set_fast_path);
//   - the padded and the copying entry points agree;
//   - an accepted update re-encodes (encode_update_frame) to a frame that decodes to an equal update;
//   - applied on a synced book, it never leaves the book crossed or locked (the synchronizer
//     resyncs instead), and every level of a synced book has a positive size.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/book/l2_book.hpp"
#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace {

kucoin::ScaleTable scales() {
  kucoin::ScaleTable t;
  t.set("BTC-USDT", kucoin::SymbolScale{1, 8});
  t.set("ETH-USDT", kucoin::SymbolScale{2, 7});
  return t;
}

std::string describe(const kucoin::L2Update& u) {
  std::string s = u.symbol + " " + std::to_string(u.sequence_start) + ".." + std::to_string(u.sequence_end) + " " +
                  std::to_string(u.changes.size()) + " changes";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  const std::string_view frame = fuzz::as_text(data, size);

  L2Decoder fast(scales());
  L2Decoder slow(scales());
  slow.set_fast_path(false);
  L2Update a;
  L2Update b;
  const auto ra = fast.decode_update(frame, a);
  const auto rb = slow.decode_update(frame, b);
  KUCOIN_FUZZ_CHECK(ra.has_value() == rb.has_value(),
                    ra ? "fast path accepted, validating path refused: " + rb.error().describe()
                       : "fast path refused, validating path accepted: " + ra.error().describe());

  std::string padded(frame);
  padded.reserve(frame.size() + kJsonPadding);
  L2Decoder fast2(scales());
  L2Update c;
  const auto rc = fast2.decode_update_padded(std::string_view(padded.data(), frame.size()), c);
  KUCOIN_FUZZ_CHECK(rc.has_value() == ra.has_value(), "padded and copying entry points disagree");
  if (!ra) return 0;
  KUCOIN_FUZZ_CHECK(a == b, "fast " + describe(a) + " vs validating " + describe(b));
  KUCOIN_FUZZ_CHECK(a == c, "padded " + describe(c) + " vs copying " + describe(a));

  std::string again;
  encode_update_frame(a, again);
  L2Decoder fresh(scales());
  L2Update d;
  const auto rd = fresh.decode_update(again, d);
  KUCOIN_FUZZ_CHECK(rd.has_value(), "re-encoded frame refused: " + (rd ? std::string() : rd.error().describe()) +
                                        "\n  frame: " + again);
  KUCOIN_FUZZ_CHECK(d == a, "re-encoded " + describe(d) + " vs decoded " + describe(a) + "\n  frame: " + again);

  // On a synced book just below the update's first sequence.
  if (a.sequence_start <= INT64_MIN + 1) return 0;
  L2Synchronizer sync;
  L2Snapshot snap;
  snap.sequence = a.sequence_start - 1;
  snap.bids = {{Price{1000, 1}, Quantity{1, 0}}, {Price{995, 1}, Quantity{2, 0}}};
  snap.asks = {{Price{1010, 1}, Quantity{1, 0}}, {Price{1015, 1}, Quantity{3, 0}}};
  const auto rs = sync.on_snapshot(snap);
  KUCOIN_FUZZ_CHECK(rs.status == SnapshotStatus::synced, "fixed snapshot refused: " + rs.describe());
  const auto ru = sync.on_update(a);
  if (sync.synced()) {
    const auto v = check_book(sync.book());
    KUCOIN_FUZZ_CHECK(!v, "synced book violates an invariant after " + ru.describe() + ": " + (v ? v->detail : ""));
  }
  return 0;
}
