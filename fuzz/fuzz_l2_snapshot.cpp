// Fuzz target: whole books from outside: level2Depth5/50 frames (L2Decoder::decode_depth) and REST
// level2 snapshots (decode_snapshot). The first byte picks which. Properties, for every input:
//   - an accepted depth frame re-encodes (encode_depth_frame) to a frame that decodes to the same
//     symbol, timestamp and levels;
//   - an accepted snapshot re-encodes (encode_snapshot_response) to an equal snapshot;
//   - a synchronizer given the snapshot either refuses it or holds a book that is neither crossed
//     nor locked and has only positive sizes (check_book).
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/book/l2_book.hpp"
#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/protocol/l2_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin;
  if (size == 0) return 0;
  const bool depth = (data[0] & 1) != 0;
  const std::string_view text = fuzz::as_text(data + 1, size - 1);
  ScaleTable scales;
  scales.set("BTC-USDT", SymbolScale{1, 8});
  L2Decoder dec(scales);
  L2Decoder dec2(scales);
  L2Snapshot snap;
  if (depth) {
    std::string symbol;
    if (!dec.decode_depth(text, symbol, snap)) return 0;
    const int levels = static_cast<int>(std::max(snap.bids.size(), snap.asks.size()));
    std::string again;
    encode_depth_frame(symbol, levels, snap, snap.sequence, again);
    std::string symbol2;
    L2Snapshot snap2;
    auto r = dec2.decode_depth(again, symbol2, snap2);
    KUCOIN_FUZZ_CHECK(r.has_value(), "re-encoded depth frame refused: " + (r ? std::string() : r.error().describe()) +
                                         "\n  frame: " + again);
    KUCOIN_FUZZ_CHECK(
        symbol2 == symbol && snap2.sequence == snap.sequence && snap2.bids == snap.bids && snap2.asks == snap.asks,
        "re-encoded depth frame differs: " + again);
  } else {
    if (!dec.decode_snapshot(text, SymbolScale{1, 8}, snap)) return 0;
    std::string again;
    encode_snapshot_response(snap, again);
    L2Snapshot snap2;
    auto r = dec2.decode_snapshot(again, SymbolScale{1, 8}, snap2);
    KUCOIN_FUZZ_CHECK(r.has_value(), "re-encoded snapshot refused: " + (r ? std::string() : r.error().describe()) +
                                         "\n  body: " + again);
    KUCOIN_FUZZ_CHECK(snap2 == snap, "re-encoded snapshot differs: " + again);
  }
  L2Synchronizer sync;
  const auto rs = sync.on_snapshot(snap);
  if (sync.synced()) {
    const auto v = check_book(sync.book());
    KUCOIN_FUZZ_CHECK(!v, "synced book violates an invariant after " + rs.describe() + ": " + (v ? v->detail : ""));
  }
  return 0;
}
