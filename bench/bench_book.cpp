// Level2 hot path, every variant on the same generated frames in one run:
//   ours:        decode only, decode + synchronizer/book, the book alone, decode + apply on a
//                stream with real KuCoin's off-increment values;
//   references:  one simdjson On-Demand pass that reads every field of every frame (the practical
//                floor for JSON), simdjson + a plain sorted vector of fixed-point levels (the
//                simplest competitive design), simdjson + std::stod + std::map<double,double>
//                (what many clients do);
//   futures:     decode + apply of /contractMarket/level2 frames (one change a message) through
//                the same synchronizer and book, beside the spot decode + apply of the same run.
// Each runs on a deep book (2,000 levels a side) and a shallow one (50), the benchmark argument.
//
//   bash bench/run_book.sh          medians of interleaved repetitions and the ratios
//   bash bench/callgrind_book.sh    instructions per message of every variant
//
// Every variant is checked against the generator's truth before anything is timed, and heap
// allocations in the timed passes are counted (allocs/Mmsg).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/mock/futures_market.hpp"
#include "kucoin/mock/market_generator.hpp"
#include "kucoin/protocol/futures_codec.hpp"
#include "kucoin/protocol/l2_codec.hpp"

namespace {

using namespace kucoin;

constexpr std::size_t kMessages = 100'000;

struct Stream {
  SymbolScale scale;
  L2Snapshot start;
  L2Snapshot end;
  std::vector<std::string> frames;
  std::vector<L2Update> decoded;
  std::size_t bytes = 0;
  std::size_t changes = 0;
  std::size_t removals = 0;
  std::size_t calibration = 0;
};

Stream make_stream(std::size_t levels, bool realistic) {
  Stream st;
  mock::GeneratorConfig gc;
  gc.levels_per_side = levels;
  gc.seed = 2026;
  // Real KuCoin decimals: sizes past baseIncrement, huge sizes, prices finer than the tick.
  if (realistic) gc.realism = mock::Realism::real();
  mock::MarketGenerator market(gc);
  st.scale = gc.scale;
  // Warm the market up so the stream starts from a mature book.
  for (int i = 0; i < 10'000; ++i) market.next();
  st.start = market.snapshot();
  st.frames.reserve(kMessages);
  for (std::size_t i = 0; i < kMessages; ++i) {
    const L2Update& u = market.next();
    st.decoded.push_back(u);
    for (const auto& c : u.changes) {
      ++st.changes;
      st.removals += (c.size.raw == 0 && c.price.raw != 0) ? 1 : 0;
      st.calibration += c.price.raw == 0 ? 1 : 0;
    }
    std::string f;
    encode_update_frame(u, f);
    f.reserve(f.size() + kJsonPadding);  // our client reads frames into padded buffers
    st.bytes += f.size();
    st.frames.push_back(std::move(f));
  }
  st.end = market.snapshot();
  return st;
}

// The stream for a benchmark argument: levels a side (2,000 deep, 50 shallow).
const Stream& deep_stream() {
  static const Stream s = make_stream(2'000, false);
  return s;
}
const Stream& shallow_stream() {
  static const Stream s = make_stream(50, false);
  return s;
}
const Stream& stream(std::int64_t levels) { return levels == 50 ? shallow_stream() : deep_stream(); }

// The deep market with real KuCoin's off-increment values (Realism::real()).
const Stream& realistic_stream() {
  static const Stream s = make_stream(2'000, true);
  return s;
}

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench_book: check failed before timing: %s\n", what);
    std::abort();
  }
}

L2Decoder make_decoder(const Stream& s) {
  ScaleTable t;
  t.set("BTC-USDT", s.scale);
  return L2Decoder(t);
}

void set_counters(benchmark::State& state, const Stream& s, std::uint64_t allocations) {
  const auto messages = static_cast<double>(state.iterations()) * static_cast<double>(s.frames.size());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.frames.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes));
  state.counters["levels/side"] = static_cast<double>(s.start.bids.size());
  state.counters["changes/msg"] = static_cast<double>(s.changes) / static_cast<double>(s.frames.size());
  state.counters["allocs/Mmsg"] = static_cast<double>(allocations) * 1e6 / messages;
}

// Runs `pass` once per iteration with `reset` outside the timing; counts the allocations of the
// timed passes only.
template <class Reset, class Pass>
void timed(benchmark::State& state, const Stream& s, Reset reset, Pass pass) {
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reset();
    const std::uint64_t before = bench::process_allocations();
    state.ResumeTiming();
    pass();
    state.PauseTiming();
    allocations += bench::process_allocations() - before;
    state.ResumeTiming();
  }
  set_counters(state, s, allocations);
}

// ---- Ours ---------------------------------------------------------------------------------------

// Every pass is a named, non-inlined function: bench/callgrind_book.sh counts its instructions.
__attribute__((noinline)) void pass_decode_only(const Stream& s, L2Decoder& d, L2Update& u) {
  for (const std::string& f : s.frames) {
    auto r = d.decode_update_padded(f, u);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(u.changes.data());
  }
}

__attribute__((noinline)) void pass_decode_apply(const Stream& s, L2Decoder& d, L2Update& u, L2Synchronizer& sync) {
  for (const std::string& f : s.frames) {
    if (d.decode_update_padded(f, u)) sync.on_update(u);
  }
}

__attribute__((noinline)) void pass_apply_only(const Stream& s, L2Synchronizer& sync) {
  for (const L2Update& u : s.decoded) sync.on_update(u);
}

void BM_DecodeOnly(benchmark::State& state) {
  const Stream& s = stream(state.range(0));
  L2Decoder d = make_decoder(s);
  L2Update u;
  for (std::size_t i = 0; i < s.frames.size(); ++i) {  // every frame decodes back to what was encoded
    require(static_cast<bool>(d.decode_update(s.frames[i], u)), "decode");
    // The encoder writes asks before bids: compare the changes in one order.
    auto by_side_and_sequence = [](std::vector<L2Change> v) {
      std::sort(v.begin(), v.end(), [](const L2Change& a, const L2Change& b) {
        return a.side != b.side ? a.side < b.side : a.sequence < b.sequence;
      });
      return v;
    };
    require(u.sequence_start == s.decoded[i].sequence_start && u.sequence_end == s.decoded[i].sequence_end &&
                by_side_and_sequence(u.changes) == by_side_and_sequence(s.decoded[i].changes),
            "decoded content");
  }
  pass_decode_only(s, d, u);  // every variant runs its pass once before timing (callgrind_book.sh counts two)
  timed(
      state, s, [] {}, [&] { pass_decode_only(s, d, u); });
}

void decode_apply(benchmark::State& state, const Stream& s) {
  L2Decoder d = make_decoder(s);
  L2Update u;
  L2Synchronizer sync;
  {  // check: the book ends equal to the truth
    require(sync.on_snapshot(s.start).status == SnapshotStatus::synced, "snapshot");
    pass_decode_apply(s, d, u, sync);
    require(sync.synced() && sync.sequence() == s.end.sequence, "sequence");
    require(sync.book().top(Side::bid, 1'000'000) == s.end.bids, "bids equal truth");
    require(sync.book().top(Side::ask, 1'000'000) == s.end.asks, "asks equal truth");
  }
  timed(
      state, s,
      [&] {
        sync.reset();
        (void)sync.on_snapshot(s.start);
      },
      [&] {
        pass_decode_apply(s, d, u, sync);
        benchmark::DoNotOptimize(sync.sequence());
      });
}

void BM_DecodeApply(benchmark::State& state) { decode_apply(state, stream(state.range(0))); }

// Decode + apply on real-KuCoin-like values: a few percent of sizes with more decimals than
// baseIncrement, huge sizes and prices finer than the tick (the book widens its price scale once).
void BM_DecodeApplyRealistic(benchmark::State& state) { decode_apply(state, realistic_stream()); }

// Pre-decoded updates through the synchronizer alone (what the book costs).
void BM_ApplyOnly(benchmark::State& state) {
  const Stream& s = stream(state.range(0));
  L2Synchronizer sync;
  (void)sync.on_snapshot(s.start);
  pass_apply_only(s, sync);
  require(sync.book().top(Side::bid, 1'000'000) == s.end.bids, "bids equal truth");
  timed(
      state, s,
      [&] {
        sync.reset();
        (void)sync.on_snapshot(s.start);
      },
      [&] {
        pass_apply_only(s, sync);
        benchmark::DoNotOptimize(sync.sequence());
      });
}

// ---- References ---------------------------------------------------------------------------------

namespace od = simdjson::ondemand;

// One On-Demand pass that reads every field of a frame: the strings as views, the integers as
// numbers, every row's three strings. No conversion of prices or sizes, no book. Returns the
// number of rows, or -1.
std::int64_t read_every_field(od::parser& parser, const std::string& frame, std::int64_t& checksum) {
  od::document doc;
  if (parser.iterate(frame.data(), frame.size(), frame.capacity()).get(doc)) return -1;
  od::object obj;
  if (doc.get_object().get(obj)) return -1;
  std::int64_t rows = 0;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return -1;
    if (key == "data") {
      od::object data;
      if (field.value().get_object().get(data)) return -1;
      for (auto df : data) {
        std::string_view dkey;
        if (df.unescaped_key().get(dkey)) return -1;
        if (dkey == "changes") {
          od::object changes;
          if (df.value().get_object().get(changes)) return -1;
          for (auto side : changes) {
            od::array arr;
            if (side.value().get_array().get(arr)) return -1;
            for (auto row : arr) {
              for (auto cell : row) {
                std::string_view text;
                if (cell.get_string().get(text)) return -1;
                checksum += static_cast<std::int64_t>(text.size());
              }
              ++rows;
            }
          }
        } else if (dkey == "symbol") {
          std::string_view text;
          if (df.value().get_string().get(text)) return -1;
          checksum += static_cast<std::int64_t>(text.size());
        } else {
          std::int64_t n = 0;
          if (df.value().get_int64().get(n)) return -1;
          checksum += n;
        }
      }
    } else {
      std::string_view text;
      if (field.value().get_string().get(text)) return -1;
      checksum += static_cast<std::int64_t>(text.size());
    }
  }
  return rows;
}

__attribute__((noinline)) std::int64_t pass_simdjson_every_field(const Stream& s, od::parser& parser,
                                                                 std::int64_t& checksum) {
  std::int64_t rows = 0;
  for (const std::string& f : s.frames) rows += read_every_field(parser, f, checksum);
  return rows;
}

void BM_SimdjsonEveryField(benchmark::State& state) {
  const Stream& s = stream(state.range(0));
  od::parser parser;
  std::int64_t checksum = 0;
  require(pass_simdjson_every_field(s, parser, checksum) == static_cast<std::int64_t>(s.changes),
          "simdjson reads every row");
  timed(
      state, s, [] {}, [&] { benchmark::DoNotOptimize(pass_simdjson_every_field(s, parser, checksum)); });
}

// "digits[.digits]" at a fixed number of decimals (the stream's values all fit).
std::int64_t fixed_point(std::string_view t, int decimals) {
  std::int64_t v = 0;
  int frac = -1;
  for (char c : t) {
    if (c == '.') {
      frac = 0;
      continue;
    }
    v = v * 10 + (c - '0');
    if (frac >= 0) ++frac;
  }
  for (int i = std::max(frac, 0); i < decimals; ++i) v *= 10;
  return v;
}

// The simplest competitive book: per side a sorted vector of (key, size) with the best level at
// the end (key = price for bids, -price for asks), binary search, vector insert and erase.
struct SortedVectorBook {
  struct Level {
    std::int64_t key;
    std::int64_t size;
  };
  std::vector<Level> side[2];
  std::int64_t last = 0;

  void set(int s, std::int64_t key, std::int64_t size) {
    auto& v = side[s];
    auto it = std::lower_bound(v.begin(), v.end(), key, [](const Level& l, std::int64_t k) { return l.key < k; });
    const bool found = it != v.end() && it->key == key;
    if (size == 0) {
      if (found) v.erase(it);
    } else if (found) {
      it->size = size;
    } else {
      v.insert(it, Level{key, size});
    }
  }
  void load(const Stream& s) {
    for (auto& v : side) v.clear();
    for (const auto& l : s.start.bids) side[0].push_back({l.price.raw, l.size.raw});
    for (const auto& l : s.start.asks) side[1].push_back({-l.price.raw, l.size.raw});
    std::reverse(side[0].begin(), side[0].end());  // snapshot order is best first
    std::reverse(side[1].begin(), side[1].end());
    last = s.start.sequence;
  }
  bool equals(const L2Snapshot& t) const {
    for (int s = 0; s < 2; ++s) {
      const auto& want = s == 0 ? t.bids : t.asks;
      if (want.size() != side[s].size()) return false;
      for (std::size_t i = 0; i < want.size(); ++i) {
        const Level& l = side[s][side[s].size() - 1 - i];
        if (Price{s == 0 ? l.key : -l.key, want[i].price.decimals} != want[i].price || l.size != want[i].size.raw)
          return false;
      }
    }
    return true;
  }
};

bool sorted_vector_apply(od::parser& parser, const std::string& frame, SymbolScale scale, SortedVectorBook& book) {
  od::document doc;
  if (parser.iterate(frame.data(), frame.size(), frame.capacity()).get(doc)) return false;
  od::object data;
  if (doc["data"].get_object().get(data)) return false;
  std::int64_t end = 0;
  od::object changes;
  for (auto df : data) {
    std::string_view key;
    if (df.unescaped_key().get(key)) return false;
    if (key == "changes") {
      if (df.value().get_object().get(changes)) return false;
      for (auto side_field : changes) {
        std::string_view side_key;
        if (side_field.unescaped_key().get(side_key)) return false;
        const int side = side_key == "bids" ? 0 : 1;
        od::array rows;
        if (side_field.value().get_array().get(rows)) return false;
        for (auto row : rows) {
          std::string_view cells[3];
          int n = 0;
          for (auto cell : row) {
            if (n < 3 && cell.get_string().get(cells[n])) return false;
            ++n;
          }
          const std::int64_t price = fixed_point(cells[0], scale.price_decimals);
          const std::int64_t size = fixed_point(cells[1], scale.size_decimals);
          std::int64_t seq = 0;
          for (char c : cells[2]) seq = seq * 10 + (c - '0');
          if (seq <= book.last || price == 0) continue;
          book.set(side, side == 0 ? price : -price, size);
        }
      }
    } else if (key == "sequenceEnd") {
      if (df.value().get_int64().get(end)) return false;
    }
  }
  book.last = end;
  return true;
}

__attribute__((noinline)) void pass_simdjson_sorted_vector(const Stream& s, od::parser& parser,
                                                           SortedVectorBook& book) {
  for (const std::string& f : s.frames) benchmark::DoNotOptimize(sorted_vector_apply(parser, f, s.scale, book));
}

void BM_SimdjsonSortedVector(benchmark::State& state) {
  const Stream& s = stream(state.range(0));
  od::parser parser;
  SortedVectorBook book;
  book.load(s);
  pass_simdjson_sorted_vector(s, parser, book);
  require(book.last == s.end.sequence && book.equals(s.end), "sorted vector equals truth");
  timed(
      state, s, [&] { book.load(s); }, [&] { pass_simdjson_sorted_vector(s, parser, book); });
}

// What many clients do: the same simdjson parsing, then std::stod and std::map<double,double>.
struct MapBook {
  std::map<double, double, std::greater<>> bids;
  std::map<double, double> asks;
  long long last = 0;
};

bool baseline_apply(od::parser& parser, const std::string& frame, MapBook& book) {
  od::document doc;
  if (parser.iterate(frame.data(), frame.size(), frame.capacity()).get(doc)) return false;
  od::object data;
  if (doc["data"].get_object().get(data)) return false;
  od::object changes;
  if (data["changes"].get_object().get(changes)) return false;
  for (auto side_field : changes) {
    od::field f;
    if (std::move(side_field).get(f)) return false;
    std::string_view key;
    if (f.unescaped_key().get(key)) return false;
    const bool is_bid = key == "bids";
    od::array rows;
    if (f.value().get_array().get(rows)) return false;
    for (auto row : rows) {
      std::string_view cells[3];
      int n = 0;
      for (auto cell : row) {
        if (n < 3 && cell.get_string().get(cells[n])) return false;
        ++n;
      }
      const double price = std::stod(std::string(cells[0]));
      const double size = std::stod(std::string(cells[1]));
      const long long seq = std::stoll(std::string(cells[2]));
      if (seq <= book.last || price == 0.0) continue;
      if (is_bid) {
        if (size == 0.0)
          book.bids.erase(price);
        else
          book.bids[price] = size;
      } else {
        if (size == 0.0)
          book.asks.erase(price);
        else
          book.asks[price] = size;
      }
    }
  }
  std::int64_t end = 0;
  if (data["sequenceEnd"].get_int64().get(end)) return false;
  book.last = end;
  return true;
}

void load_baseline(const Stream& s, MapBook& b) {
  b.bids.clear();
  b.asks.clear();
  auto value = [](auto d) { return static_cast<double>(d.raw) / std::pow(10.0, d.decimals); };
  for (const auto& l : s.start.bids) b.bids[value(l.price)] = value(l.size);
  for (const auto& l : s.start.asks) b.asks[value(l.price)] = value(l.size);
  b.last = s.start.sequence;
}

__attribute__((noinline)) void pass_map_stod(const Stream& s, od::parser& parser, MapBook& book) {
  for (const auto& f : s.frames) benchmark::DoNotOptimize(baseline_apply(parser, f, book));
}

void BM_BaselineMapStod(benchmark::State& state) {
  const Stream& s = stream(state.range(0));
  od::parser parser;
  MapBook book;
  load_baseline(s, book);
  pass_map_stod(s, parser, book);
  require(book.bids.size() == s.end.bids.size() && book.asks.size() == s.end.asks.size(), "baseline depth");
  timed(
      state, s, [&] { load_baseline(s, book); }, [&] { pass_map_stod(s, parser, book); });
}

// ---- Futures ------------------------------------------------------------------------------------

// 100,000 `/contractMarket/level2` frames of XBTUSDTM (one change and one sequence a message,
// integer lots) from the mock's futures stream, after the same warm-up as the spot streams.
Stream make_futures_stream(std::size_t levels) {
  Stream st;
  mock::FuturesStream market("XBTUSDTM", levels, 2026);
  st.scale = market.contract().scale();
  for (int i = 0; i < 10'000; ++i) market.next();
  st.start = market.snapshot();
  st.frames.reserve(kMessages);
  for (std::size_t i = 0; i < kMessages; ++i) {
    const L2Update& u = market.next();
    st.decoded.push_back(u);
    for (const auto& c : u.changes) {
      ++st.changes;
      st.removals += c.size.raw == 0 ? 1 : 0;
    }
    std::string f;
    require(static_cast<bool>(encode_futures_level2_frame(u, f)), "futures encode");
    st.bytes += f.size();
    st.frames.push_back(std::move(f));
  }
  st.end = market.snapshot();
  return st;
}

const Stream& futures_stream(std::int64_t levels) {
  static const Stream deep = make_futures_stream(2'000);
  static const Stream shallow = make_futures_stream(50);
  return levels == 50 ? shallow : deep;
}

__attribute__((noinline)) void pass_futures_decode_apply(const Stream& s, FuturesDecoder& d, L2Update& u,
                                                         L2Synchronizer& sync) {
  for (const std::string& f : s.frames) {
    if (d.decode_level2(f, u)) sync.on_update(u);
  }
}

// FuturesDecoder::decode_level2 then L2Synchronizer::on_update (the rule sequence == last + 1).
void BM_FuturesDecodeApply(benchmark::State& state) {
  const Stream& s = futures_stream(state.range(0));
  ScaleTable t(SymbolScale{1, 0});
  t.set("XBTUSDTM", s.scale);
  FuturesDecoder d(t);
  L2Update u;
  L2Synchronizer sync;
  {  // check: the book ends equal to the truth
    require(sync.on_snapshot(s.start).status == SnapshotStatus::synced, "futures snapshot");
    pass_futures_decode_apply(s, d, u, sync);
    require(sync.synced() && sync.sequence() == s.end.sequence, "futures sequence");
    require(sync.book().top(Side::bid, 1'000'000) == s.end.bids, "futures bids equal truth");
    require(sync.book().top(Side::ask, 1'000'000) == s.end.asks, "futures asks equal truth");
  }
  timed(
      state, s,
      [&] {
        sync.reset();
        (void)sync.on_snapshot(s.start);
      },
      [&] {
        pass_futures_decode_apply(s, d, u, sync);
        benchmark::DoNotOptimize(sync.sequence());
      });
}

void depths(benchmark::internal::Benchmark* b) {
  b->Arg(2'000)->Arg(50)->ArgName("levels")->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_DecodeOnly)->Apply(depths);
BENCHMARK(BM_DecodeApply)->Apply(depths);
BENCHMARK(BM_ApplyOnly)->Apply(depths);
BENCHMARK(BM_SimdjsonEveryField)->Apply(depths);
BENCHMARK(BM_SimdjsonSortedVector)->Apply(depths);
BENCHMARK(BM_BaselineMapStod)->Apply(depths);
BENCHMARK(BM_DecodeApplyRealistic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FuturesDecodeApply)->Apply(depths);

}  // namespace

BENCHMARK_MAIN();
