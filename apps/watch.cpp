#include "watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "kucoin/book/book_json.hpp"
#include "kucoin/core/decimal.hpp"
#include "kucoin/net/market_data_client.hpp"
#include "kucoin/net/rest_client.hpp"
#include "kucoin/protocol/ws_codec.hpp"

namespace kucoin::apps {

namespace {

using Clock = std::chrono::steady_clock;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string level_text(const std::optional<L2Level>& l) {
  if (!l) return "-";
  return to_string(l->price) + " x " + to_string(l->size);
}

}  // namespace

int run_watch(const WatchOptions& o, std::ostream& out, std::ostream& err) {
  if (o.depth != 0 && o.depth != 5 && o.depth != 50) {
    err << "--depth must be 0 (full books), 5 or 50\n";
    return 2;
  }
  if (o.interval_ms <= 0 || o.seconds < 0) {
    err << "--interval-ms must be positive and --seconds not negative\n";
    return 2;
  }
  // The dump file is opened before anything starts: a path that cannot be written fails at once.
  std::ofstream dump_file;
  if (!o.dump.empty()) {
    dump_file.open(o.dump, std::ios::binary | std::ios::trunc);
    if (!dump_file) {
      err << "--dump: cannot write " << o.dump << '\n';
      return 2;
    }
  }
  net::RestClientOptions ro;
  ro.venue = o.futures ? Market::futures : Market::spot;
  ro.http.base_url = o.url;
  if (!o.ca_file.empty()) ro.http.tls.ca_file = o.ca_file;
  const std::string key = env("KUCOIN_API_KEY"), secret = env("KUCOIN_API_SECRET"), pass = env("KUCOIN_API_PASSPHRASE");
  if (!key.empty() || !secret.empty() || !pass.empty()) {
    if (key.empty() || secret.empty() || pass.empty()) {
      err << "credentials need KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE (or none of them)\n";
      return 2;
    }
    const std::string version_text = env("KUCOIN_API_KEY_VERSION");
    const auto version = parse_key_version(version_text.empty() ? "2" : version_text);
    if (!version) {
      err << "KUCOIN_API_KEY_VERSION must be 1, 2 or 3\n";
      return 2;
    }
    ro.credentials = Credentials{key, Secret(secret), Secret(pass), *version};
  }

  boost::asio::io_context io;
  std::unique_ptr<net::RestClient> rest;
  try {
    rest = std::make_unique<net::RestClient>(io, ro);
  } catch (const std::exception& e) {  // an unusable URL or CA file
    err << "watch: " << e.what() << '\n';
    return 2;
  }
  const BookKind kind = o.depth == 0 ? BookKind::full : o.depth == 5 ? BookKind::depth5 : BookKind::depth50;
  std::map<std::string, std::uint64_t, std::less<>> updates;  // per symbol (every book here is of `kind`)
  net::MarketDataHandlers h;
  h.on_book = [&](const BookEvent& e) {
    if (e.kind == BookEvent::Kind::updated) {
      // Every update comes here: count without building a string (the symbols exist from the start).
      if (auto it = updates.find(e.symbol); it != updates.end() && e.book_kind == kind) ++it->second;
      return;
    }
    std::ostream& to = e.kind == BookEvent::Kind::error ? err : out;
    if (!o.events && e.kind != BookEvent::Kind::error && e.kind != BookEvent::Kind::resyncing &&
        e.kind != BookEvent::Kind::stale) {
      return;
    }
    to << "  " << (e.symbol.empty() ? std::string("client") : key_text({e.symbol, e.book_kind})) << ' '
       << to_string(e.kind);
    if (e.kind == BookEvent::Kind::resyncing) to << " (" << to_string(e.cause) << ')';
    if (!e.detail.empty()) to << ": " << e.detail;
    to << '\n';
  };
  h.on_connection = [&](const net::WsStateEvent& e) {
    out << "  connection " << e.connection << ' ' << to_string(e.state);
    if (e.reason != WsReason::none) out << " (" << to_string(e.reason) << ')';
    if (e.state == net::WsState::reconnecting) out << " in " << e.delay.count() << " ms";
    if (!e.detail.empty()) out << ": " << e.detail;
    out << '\n';
  };
  net::MarketDataOptions mo;
  mo.venue = ro.venue;
  net::MarketDataClient books(io, *rest, mo, h);
  for (const auto& s : o.symbols) updates[s] = 0;
  const auto subscribed = kind == BookKind::full ? books.subscribe(o.symbols) : books.subscribe_depth(o.symbols, kind);
  if (!subscribed) {
    err << "watch: " << subscribed.error().describe() << '\n';
    return 2;
  }
  out << "kucoin-harness watch: " << o.symbols.size() << (o.futures ? " futures contracts from " : " symbols from ")
      << o.url << " ("
      << (o.depth != 0     ? (o.futures ? "/contractMarket/level2Depth" : "level2Depth") + std::to_string(o.depth)
          : o.futures      ? std::string("full books, /api/v1/level2/snapshot snapshots, sizes in lots")
          : ro.credentials ? std::string("full books, signed snapshots")
                           : std::string("full books, level2_100 snapshots: exact in the top 100"))
      << "), ";
  if (o.seconds > 0) {
    out << "for " << o.seconds << " s\n";
  } else {
    out << "Ctrl-C stops\n";
  }
  out.flush();

  bool done = false;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) done = true;
  });
  const auto start = Clock::now();
  const auto until = o.seconds > 0
                         ? start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds))
                         : Clock::time_point::max();
  auto last_print = start;
  std::size_t key_width = 0;
  for (const auto& s : o.symbols) key_width = std::max(key_width, key_text({s, kind}).size() + 2);
  std::map<std::string, std::uint64_t, std::less<>> printed_updates;
  auto print_status = [&] {
    const double secs = std::chrono::duration<double>(Clock::now() - last_print).count();
    last_print = Clock::now();
    for (const auto& k : o.symbols) {
      std::ostringstream line;
      line << "  " << std::left << std::setw(static_cast<int>(key_width)) << key_text({k, kind});
      const bool known = books.with_book({k, kind}, [&](const BookView& v) {
        // Depth frames carry no sequence: their book is stamped with the frame's timestamp.
        line << std::setw(10) << to_string(v.status) << (o.depth == 0 ? "seq " : "time ") << v.sequence << "  bid "
             << level_text(v.book->best_bid()) << "  ask " << level_text(v.book->best_ask()) << "  "
             << v.book->depth(Side::bid) << '/' << v.book->depth(Side::ask) << " levels  ";
        if (v.exact_depth != static_cast<std::size_t>(-1) && v.status == BookStatus::synced) {
          line << "exact in the top " << v.exact_depth << "  ";
        }
        line << v.resyncs << " resyncs";
      });
      if (!known) line << "not subscribed yet";
      const std::uint64_t n = updates[k] - printed_updates[k];
      printed_updates[k] = updates[k];
      line << "  " << std::fixed << std::setprecision(0) << (secs > 0 ? static_cast<double>(n) / secs : 0.0)
           << " updates/s";
      out << line.str() << '\n';
    }
    out.flush();
  };
  auto next_print = start + std::chrono::milliseconds(o.interval_ms);
  while (!done && Clock::now() < until) {
    io.run_one_for(std::chrono::milliseconds(20));
    if (Clock::now() >= next_print) {
      print_status();
      next_print += std::chrono::milliseconds(o.interval_ms);
    }
  }
  std::size_t synced = 0;
  std::string dump = "{";
  for (const auto& k : o.symbols) {
    if (dump.size() > 1) dump += ",\n";
    append_json_string(dump, key_text({k, kind}));  // the documented key text: "SYMBOL" or "SYMBOL@depth5"
    dump += ':';
    const bool known = books.with_book({k, kind}, [&](const BookView& v) {
      synced += v.status == BookStatus::synced ? 1 : 0;
      append_book_json(dump, v);
    });
    if (!known) append_book_json(dump, BookView{});  // never subscribed: empty
  }
  dump += "}\n";
  if (dump_file.is_open()) {
    dump_file << dump;
    dump_file.close();
    if (!dump_file) {
      err << "--dump: writing " << o.dump << " failed\n";
    } else {
      out << "books written to " << o.dump << '\n';
    }
  }
  books.stop();
  io.restart();
  io.run_for(std::chrono::milliseconds(100));
  out << synced << " of " << o.symbols.size() << " books synced at the end\n";
  return synced == o.symbols.size() ? 0 : 1;
}

}  // namespace kucoin::apps
