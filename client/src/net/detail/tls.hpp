// TLS for the client's connections (HttpClient and the WebSocket transport): one context per
// client built from TlsOptions, and what each connection sets before its handshake. Private to
// kucoin_net.
#pragma once

#include <boost/asio/ssl.hpp>

#include <string>

#include "kucoin/net/http_client.hpp"  // TlsOptions

namespace kucoin::net::detail {

namespace ssl = boost::asio::ssl;

// A TLS 1.2+ client context that verifies peers against the system store and/or the given CA
// (or not at all with verify_peer = false). Throws std::invalid_argument for an unusable CA or
// system store.
ssl::context make_tls_context(const TlsOptions& options);

// Before the handshake of a connection to `host`: host name verification (with verify_peer) and
// SNI (DNS names only, RFC 6066). An error when OpenSSL refuses the SNI name.
boost::system::error_code prepare_tls(SSL* ssl, const std::string& host);
template <class TlsStream>
boost::system::error_code prepare_tls_stream(TlsStream& stream, const std::string& host, const TlsOptions& options) {
  if (options.verify_peer) stream.set_verify_callback(ssl::host_name_verification(host));
  return prepare_tls(stream.native_handle(), host);
}

// Appended to a failed handshake's message when OpenSSL refused it ("certificate verify
// failed"): which trust was used, " (trusting the system CA store)" or " (trusting the given CA...)".
std::string trust_note(const TlsOptions& options);

bool is_ip_address(const std::string& host);

}  // namespace kucoin::net::detail
