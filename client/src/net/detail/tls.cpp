#include "tls.hpp"

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace kucoin::net::detail {

using boost::system::error_code;

ssl::context make_tls_context(const TlsOptions& o) {
  ssl::context ctx(ssl::context::tls_client);
  error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!o.verify_peer) {
    ctx.set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  if (o.use_system_store) {
    ctx.set_default_verify_paths(ec);
    if (ec) throw std::invalid_argument("cannot load the system CA store: " + ec.message());
  }
  if (!o.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(o.ca_pem), ec);
    if (ec) throw std::invalid_argument("cannot use the given CA certificate: " + ec.message());
  }
  if (!o.ca_file.empty()) {
    ctx.load_verify_file(o.ca_file, ec);
    if (ec) throw std::invalid_argument("cannot load CA file " + o.ca_file + ": " + ec.message());
  }
  return ctx;
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  (void)boost::asio::ip::make_address(host, ec);
  return !ec;
}

error_code prepare_tls(SSL* ssl, const std::string& host) {
  if (is_ip_address(host)) return {};  // SNI carries DNS names only (RFC 6066)
  if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str())) != 1) {
    return error_code(static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category());
  }
  return {};
}

std::string trust_note(const TlsOptions& o) {
  if (o.ca_pem.empty() && o.ca_file.empty()) return " (trusting the system CA store)";
  return " (trusting the given CA" + std::string(o.use_system_store ? " and the system store)" : ")");
}

}  // namespace kucoin::net::detail
