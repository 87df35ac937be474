#include "kucoin/mock/live_market.hpp"

namespace kucoin::mock {

GeneratedSource::GeneratedSource(GeneratorConfig config, std::uint64_t limit)
    : gen_(std::move(config)), limit_(limit) {}

const L2Update* GeneratedSource::next() {
  if (limit_ != 0 && produced_ >= limit_) return nullptr;
  ++produced_;
  return &gen_.next();
}

}  // namespace kucoin::mock
