#include "synthetic_replay.hpp"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <string>
#include <vector>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace kucoin::apps {

namespace {

bool same_levels(const L2Book& book, Side side, const std::vector<L2Level>& truth, std::string& why) {
  std::size_t i = 0;
  bool ok = true;
  book.for_each(side, [&](const L2Level& l) {
    if (i >= truth.size() || !(truth[i] == l)) {
      why = std::string(to_string(side)) + " level " + std::to_string(i) + ": book has " + to_string(l.price) + " x " +
            to_string(l.size) +
            (i < truth.size() ? ", truth has " + to_string(truth[i].price) + " x " + to_string(truth[i].size)
                              : ", truth has no more levels");
      ok = false;
      return false;
    }
    ++i;
    return true;
  });
  if (ok && i != truth.size()) {
    why = std::string(to_string(side)) + ": book has " + std::to_string(i) + " levels, truth has " +
          std::to_string(truth.size());
    ok = false;
  }
  return ok;
}

}  // namespace

int run_synthetic_replay(const SyntheticReplayOptions& o, std::ostream& out) {
  mock::GeneratorConfig gc;
  gc.seed = o.seed;
  gc.levels_per_side = o.levels;
  mock::MarketGenerator market(gc);
  const SymbolScale scale = gc.scale;

  // 1. The stream as KuCoin would send it, and the REST snapshot taken mid-stream.
  std::vector<std::string> frames;
  frames.reserve(o.messages);
  std::size_t bytes = 0;
  std::string snapshot_body;
  const std::size_t snap_at = std::min(o.snapshot_at, o.messages);
  for (std::size_t i = 0; i < o.messages; ++i) {
    if (i == snap_at) encode_snapshot_response(market.snapshot(), snapshot_body);
    std::string f;
    encode_update_frame(market.next(), f);
    bytes += f.size();
    frames.push_back(std::move(f));
  }
  if (snapshot_body.empty()) encode_snapshot_response(market.snapshot(), snapshot_body);
  const L2Snapshot truth = market.snapshot();

  // 2. The client side: decode every frame, buffer, load the snapshot, apply.
  ScaleTable scales;
  scales.set(gc.symbol, scale);
  L2Decoder decoder(scales);
  L2Synchronizer sync;
  L2Update update;
  L2Snapshot snapshot;
  const std::size_t deliver_snapshot_at = std::min(o.snapshot_arrives, o.messages - 1);
  SnapshotResult snap_result;
  std::size_t changes = 0, calibration = 0, errors = 0;

  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i == deliver_snapshot_at) {
      if (auto r = decoder.decode_snapshot(snapshot_body, scale, snapshot); !r) {
        out << "snapshot did not decode: " << r.error() << "\n";
        return 2;
      }
      snap_result = sync.on_snapshot(snapshot);
    }
    if (auto r = decoder.decode_update(frames[i], update); !r) {
      ++errors;
      continue;
    }
    changes += update.changes.size();
    for (const auto& c : update.changes) calibration += c.price.raw == 0 ? 1 : 0;
    sync.on_update(update);
  }
  const auto t1 = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(t1 - t0).count();

  const L2Book& book = sync.book();
  std::string why;
  const bool match = errors == 0 && sync.synced() && sync.sequence() == truth.sequence &&
                     same_levels(book, Side::bid, truth.bids, why) && same_levels(book, Side::ask, truth.asks, why);

  auto price = [&](std::optional<L2Level> l) { return l ? to_string(l->price) : std::string("-"); };
  out << "kucoin-harness: synthetic level2 replay of " << gc.symbol << " (seed " << o.seed << ")\n";
  out << "  messages      " << frames.size() << " frames, " << std::fixed << std::setprecision(1)
      << static_cast<double>(bytes) / 1e6 << " MB, " << errors << " decode errors\n";
  out << "  changes       " << changes << " (" << calibration << " price-0 calibration rows), "
      << sync.stats().applied_changes << " applied, " << sync.stats().skipped_changes << " skipped\n";
  out << "  snapshot      " << snap_result.describe() << "\n";
  out << "  levels        " << book.depth(Side::bid) << " bids, " << book.depth(Side::ask) << " asks\n";
  out << "  best bid/ask  " << price(book.best_bid()) << " / " << price(book.best_ask()) << "\n";
  out << "  sequence      " << sync.sequence() << " (" << to_string(sync.state()) << ", " << sync.stats().resyncs
      << " resyncs)\n";
  out << "  time          " << std::setprecision(3) << secs << " s decode + sync, " << std::setprecision(2)
      << (secs > 0 ? static_cast<double>(frames.size()) / secs / 1e6 : 0.0) << " M messages/s\n";
  if (match) {
    out << "  check         OK: every level of both sides equals the generator's truth at sequence " << truth.sequence
        << "\n";
    return 0;
  }
  out << "  check         FAILED: " << (why.empty() ? "book not synced at the truth's sequence" : why) << "\n";
  return 1;
}

}  // namespace kucoin::apps
