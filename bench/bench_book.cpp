// Level2 hot path: decode only, decode + synchronizer/book, and a std::map<double,double> +
// std::stod baseline, in the same run, on the same generated frames.
//
//   build/release/bench/bench_book --benchmark_min_time=2
//
// Every variant is checked against the generator's truth before anything is timed.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "kucoin/book/l2_synchronizer.hpp"
#include "kucoin/mock/market_generator.hpp"
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

Stream make_stream(bool realistic) {
  Stream st;
  mock::GeneratorConfig gc;
  gc.levels_per_side = 2'000;
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

// The usual stream: every value on the symbol's increments.
const Stream& stream() {
  static const Stream s = make_stream(false);
  return s;
}

// The same market with real KuCoin's off-increment values (Realism::real()).
const Stream& realistic_stream() {
  static const Stream s = make_stream(true);
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

void set_counters(benchmark::State& state, const Stream& s) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.frames.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(s.bytes));
  state.counters["levels/side"] = static_cast<double>(s.start.bids.size());
  state.counters["changes/msg"] = static_cast<double>(s.changes) / static_cast<double>(s.frames.size());
  // Share of real (non price-0) changes that remove a level.
  state.counters["removal%"] = 100.0 * static_cast<double>(s.removals) / static_cast<double>(s.changes - s.calibration);
}

void BM_DecodeOnly(benchmark::State& state) {
  const Stream& s = stream();
  L2Decoder d = make_decoder(s);
  L2Update u;
  {  // check: every frame decodes back to what was encoded
    for (std::size_t i = 0; i < s.frames.size(); ++i) {
      require(static_cast<bool>(d.decode_update(s.frames[i], u)), "decode");
      require(u.sequence_end == s.decoded[i].sequence_end && u.changes.size() == s.decoded[i].changes.size(),
              "decoded content");
    }
  }
  for (auto _ : state) {
    for (const std::string& f : s.frames) {
      auto r = d.decode_update_padded(f, u);
      benchmark::DoNotOptimize(r);
      benchmark::DoNotOptimize(u.changes.data());
    }
  }
  set_counters(state, s);
}

void decode_apply(benchmark::State& state, const Stream& s) {
  L2Decoder d = make_decoder(s);
  L2Update u;
  L2Synchronizer sync;
  auto run = [&] {
    for (const std::string& f : s.frames) {
      if (d.decode_update_padded(f, u)) sync.on_update(u);
    }
  };
  {  // check: the book ends equal to the truth
    require(sync.on_snapshot(s.start).status == SnapshotStatus::synced, "snapshot");
    run();
    require(sync.synced() && sync.sequence() == s.end.sequence, "sequence");
    require(sync.book().top(Side::bid, 1'000'000) == s.end.bids, "bids equal truth");
    require(sync.book().top(Side::ask, 1'000'000) == s.end.asks, "asks equal truth");
  }
  for (auto _ : state) {
    state.PauseTiming();
    sync.reset();
    (void)sync.on_snapshot(s.start);
    state.ResumeTiming();
    run();
    benchmark::DoNotOptimize(sync.sequence());
  }
  set_counters(state, s);
}

void BM_DecodeApply(benchmark::State& state) { decode_apply(state, stream()); }

// Decode + apply on real-KuCoin-like values: a few percent of sizes with more decimals than
// baseIncrement, huge sizes and prices finer than the tick (the book widens its price scale once).
void BM_DecodeApplyRealistic(benchmark::State& state) { decode_apply(state, realistic_stream()); }

// Pre-decoded updates through the synchronizer alone (what the book costs).
void BM_ApplyOnly(benchmark::State& state) {
  const Stream& s = stream();
  L2Synchronizer sync;
  for (auto _ : state) {
    state.PauseTiming();
    sync.reset();
    (void)sync.on_snapshot(s.start);
    state.ResumeTiming();
    for (const L2Update& u : s.decoded) sync.on_update(u);
    benchmark::DoNotOptimize(sync.sequence());
  }
  require(sync.book().top(Side::bid, 1'000'000) == s.end.bids, "bids equal truth");
  set_counters(state, s);
}

// Baseline: what many clients do. Same simdjson parsing, then std::stod and std::map<double,double>.
struct MapBook {
  std::map<double, double, std::greater<>> bids;
  std::map<double, double> asks;
  long long last = 0;
};

namespace od = simdjson::ondemand;

bool baseline_apply(od::parser& parser, std::string& buf, const std::string& frame, MapBook& book) {
  buf.assign(frame);
  buf.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser.iterate(buf.data(), buf.size(), buf.capacity()).get(doc)) return false;
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
        if (size == 0.0) book.bids.erase(price); else book.bids[price] = size;
      } else {
        if (size == 0.0) book.asks.erase(price); else book.asks[price] = size;
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

void BM_BaselineMapStod(benchmark::State& state) {
  const Stream& s = stream();
  od::parser parser;
  std::string buf;
  MapBook book;
  {
    load_baseline(s, book);
    for (const auto& f : s.frames) require(baseline_apply(parser, buf, f, book), "baseline decode");
    require(book.bids.size() == s.end.bids.size() && book.asks.size() == s.end.asks.size(), "baseline depth");
  }
  for (auto _ : state) {
    state.PauseTiming();
    load_baseline(s, book);
    state.ResumeTiming();
    for (const auto& f : s.frames) benchmark::DoNotOptimize(baseline_apply(parser, buf, f, book));
  }
  set_counters(state, s);
}

BENCHMARK(BM_DecodeOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeApply)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeApplyRealistic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ApplyOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineMapStod)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
