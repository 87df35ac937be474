// Log lines of the client's layers: a level and one line of text per event. The pure layers
// (the WebSocket session machine) produce them as data, the I/O layers hand them to the
// application's sink. Lines never contain secrets, signatures, passphrases or tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace kucoin {

enum class LogLevel : std::uint8_t { debug, info, warn, error };
std::string_view to_string(LogLevel level) noexcept;

// Receives one line per event (RestClientOptions::log, WsClientOptions::log). Called on the
// client's strand (or the io_context's thread), never concurrently for one client.
using LogSink = std::function<void(LogLevel, std::string_view)>;

}  // namespace kucoin
