// Fuzz target: the book and the synchronizer under any sequence of snapshots, updates (gaps,
// duplicates, overlaps, price-0 rows, crossing prices), resync requests and truncations. The input
// is read as operations (fuzz_check.hpp Bytes). The first byte picks the mode:
//   even: L2Book against a model (std::map per side): after every load, apply and truncate, both
//         sides of the book equal the model's, level for level, and best() is the model's best;
//   odd:  L2Synchronizer: whenever it says synced, its book is neither crossed nor locked and has
//         only positive sizes (check_book), and its sequence never goes backwards while synced
//         (a snapshot, which replaces the book, excepted).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "kucoin/book/l2_book.hpp"
#include "kucoin/book/l2_synchronizer.hpp"

namespace {

using namespace kucoin;

Price price_of(fuzz::Bytes& in) {
  const std::uint16_t v = in.u16();
  return Price{static_cast<std::int64_t>(v % 4000), static_cast<std::uint8_t>((v >> 12) % 3)};
}
Quantity size_of(fuzz::Bytes& in) {
  const std::uint8_t v = in.u8();
  return Quantity{static_cast<std::int64_t>(v % 6), static_cast<std::uint8_t>((v >> 4) % 3)};
}

struct Model {
  std::map<Price, Quantity, std::greater<>> bids;
  std::map<Price, Quantity> asks;
  void set(Side side, Price p, Quantity q) {
    if (p.is_zero()) return;
    if (side == Side::bid) {
      if (q.is_zero())
        bids.erase(p);
      else
        bids[p] = q;
    } else {
      if (q.is_zero())
        asks.erase(p);
      else
        asks[p] = q;
    }
  }
  template <class M>
  static std::vector<L2Level> levels(const M& m) {
    std::vector<L2Level> out;
    for (const auto& [p, q] : m) out.push_back({p, q});
    return out;
  }
  template <class M>
  static void truncate(M& m, std::size_t n) {
    while (m.size() > n) m.erase(std::prev(m.end()));
  }
};

std::string show(const std::vector<L2Level>& levels) {
  std::string s;
  for (const auto& l : levels) {
    s += std::to_string(l.price.raw) + "e-" + std::to_string(l.price.decimals) + "x" + std::to_string(l.size.raw) +
         "e-" + std::to_string(l.size.decimals) + " ";
  }
  return s;
}

void compare(const L2Book& book, const Model& model, std::string_view last_op) {
  const auto bids = Model::levels(model.bids);
  const auto asks = Model::levels(model.asks);
  const auto book_bids = book.top(Side::bid, bids.size() + 1);
  const auto book_asks = book.top(Side::ask, asks.size() + 1);
  KUCOIN_FUZZ_CHECK(book_bids == bids, std::string(last_op) + ": bids differ from the model\n  book:  " +
                                           show(book_bids) + "\n  model: " + show(bids));
  KUCOIN_FUZZ_CHECK(book_asks == asks, std::string(last_op) + ": asks differ from the model\n  book:  " +
                                           show(book_asks) + "\n  model: " + show(asks));
  KUCOIN_FUZZ_CHECK(book.depth(Side::bid) == bids.size() && book.depth(Side::ask) == asks.size(), "depth differs");
  KUCOIN_FUZZ_CHECK(bids.empty() ? !book.best_bid() : (book.best_bid() && *book.best_bid() == bids.front()),
                    "best bid differs");
  KUCOIN_FUZZ_CHECK(asks.empty() ? !book.best_ask() : (book.best_ask() && *book.best_ask() == asks.front()),
                    "best ask differs");
}

void book_mode(fuzz::Bytes& in) {
  L2Book book;
  Model model;
  while (!in.empty()) {
    std::string op;
    switch (in.u8() % 4) {
      case 0: {  // load
        std::vector<L2Level> bids;
        std::vector<L2Level> asks;
        for (int n = in.u8() % 40; n > 0; --n) bids.push_back({price_of(in), size_of(in)});
        for (int n = in.u8() % 40; n > 0; --n) asks.push_back({price_of(in), size_of(in)});
        KUCOIN_FUZZ_CHECK(book.load(bids, asks), "load refused small prices");
        model = Model{};
        op = "load " + show(bids) + "/ " + show(asks);
        // load() skips levels of size 0 (a duplicate price of size 0 does not remove the earlier one).
        for (const auto& l : bids) {
          if (!l.size.is_zero()) model.set(Side::bid, l.price, l.size);
        }
        for (const auto& l : asks) {
          if (!l.size.is_zero()) model.set(Side::ask, l.price, l.size);
        }
        break;
      }
      case 1:
      case 2: {  // apply
        const Side side = (in.u8() & 1) ? Side::ask : Side::bid;
        const Price p = price_of(in);
        const Quantity q = size_of(in);
        KUCOIN_FUZZ_CHECK(book.apply(side, p, q), "apply refused a small price");
        model.set(side, p, q);
        op = std::string("apply ") + std::string(to_string(side)) + " " + show({{p, q}});
        break;
      }
      default: {  // truncate
        const std::size_t n = in.u8() % 50;
        book.truncate(Side::bid, n);
        book.truncate(Side::ask, n);
        Model::truncate(model.bids, n);
        Model::truncate(model.asks, n);
        op = "truncate " + std::to_string(n);
        break;
      }
    }
    compare(book, model, op);
  }
}

void sync_mode(fuzz::Bytes& in) {
  SyncConfig config;
  config.max_buffered_messages = 64;
  config.stale_run_for_reset = 8;
  config.reset_distance = 200;
  L2Synchronizer sync(config);
  std::int64_t wire = 1000;  // the feed's last sequence
  std::int64_t last_synced = 0;
  bool was_synced = false;
  while (!in.empty()) {
    const std::uint8_t op = in.u8() % 8;
    if (op == 0) {  // a snapshot near the wire's sequence
      L2Snapshot snap;
      snap.sequence = wire - 8 + in.u8() % 16;
      for (int n = in.u8() % 12; n > 0; --n) snap.bids.push_back({price_of(in), size_of(in)});
      for (int n = in.u8() % 12; n > 0; --n) snap.asks.push_back({price_of(in), size_of(in)});
      sync.on_snapshot(snap);
      was_synced = false;  // a snapshot replaces the book, whatever its sequence (the caller asked for it)
    } else if (op == 1) {
      sync.request_resync();
    } else if (op == 2) {
      sync.truncate_book(in.u8() % 20);
    } else {  // an update: next, duplicate, overlapping, gap or far jump
      L2Update u;
      u.symbol = "BTC-USDT";
      const std::uint8_t step = in.u8();
      u.sequence_start =
          (step & 0x80) ? wire + 1 - (step & 0x3f) * 10 : wire + 1 + (step % 4 == 3 ? 2 : 0) - (step % 4 == 2 ? 1 : 0);
      const int rows = in.u8() % 5;
      u.sequence_end = u.sequence_start + (rows > 0 ? rows - 1 : 0);
      for (int i = 0; i < rows; ++i) {
        L2Change c;
        c.side = (in.u8() & 1) ? Side::ask : Side::bid;
        c.price = price_of(in);
        c.size = size_of(in);
        c.sequence = u.sequence_start + i;
        u.changes.push_back(c);
      }
      wire = std::max(wire, u.sequence_end);
      sync.on_update(std::move(u));
    }
    if (sync.synced()) {
      const auto v = check_book(sync.book());
      KUCOIN_FUZZ_CHECK(!v, "a synced book violates an invariant: " + (v ? v->detail : std::string()));
      KUCOIN_FUZZ_CHECK(!was_synced || sync.sequence() >= last_synced, "the synced sequence went backwards");
      last_synced = sync.sequence();
    }
    was_synced = sync.synced();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::Bytes in(fuzz::as_text(data + 1, size - 1));
  if ((data[0] & 1) == 0) {
    book_mode(in);
  } else {
    sync_mode(in);
  }
  return 0;
}
