// Loads a MockServerConfig from YAML (used by `kucoin-harness serve --config`). Errors name the
// file position ("line 4, column 7: ..."). Schema: mockserver/README.md.
#pragma once

#include <string>
#include <string_view>

#include "kucoin/core/result.hpp"
#include "kucoin/mock/server.hpp"

namespace kucoin::mock {

Result<MockServerConfig> load_mock_config_yaml(std::string_view yaml_text);
Result<MockServerConfig> load_mock_config_file(const std::string& path);

}  // namespace kucoin::mock
