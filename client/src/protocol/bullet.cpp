#include "kucoin/protocol/bullet.hpp"

namespace kucoin {

bool bullet_failure_is_terminal(const ApiError& error, bool private_token) noexcept {
  if (error.kind != ApiErrorKind::auth) return false;
  return private_token || !error.code.empty();
}

}  // namespace kucoin
