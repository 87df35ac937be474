// Links kucoin::mock from an installed tree: starts the mock KuCoin on loopback, port 0, and stops it.
#include <iostream>

#include "kucoin/mock/server.hpp"

int main() {
  kucoin::mock::MockServerConfig config;  // 127.0.0.1, port 0: the OS picks one
  kucoin::mock::MockServer server(config);
  if (auto r = server.start(); !r) {
    std::cerr << "FAILED: the mock did not start: " << r.error() << '\n';
    return 1;
  }
  if (server.port() == 0) {
    std::cerr << "FAILED: the mock reports port 0\n";
    return 1;
  }
  std::cout << "consumer_mock: the mock listened on " << server.url() << '\n';
  server.stop();
  return 0;
}
