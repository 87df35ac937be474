// Error conditions callers branch on: retryable, configuration, needs a resync; for REST errors
// (ApiError), WebSocket connection states (WsStateEvent) and stream data errors (Error).
#include <gtest/gtest.h>

#include "kucoin/core/error.hpp"
#include "kucoin/net/ws_client.hpp"  // WsStateEvent (header only here: no socket)
#include "kucoin/protocol/rest_error.hpp"

namespace kucoin {
namespace {

ApiError api(int status, std::string code) {
  ApiError e;
  e.http_status = status;
  e.code = std::move(code);
  e.kind = classify(status, e.code);
  return e;
}

TEST(ErrorConditions, RestErrors) {
  const ApiError signature = api(401, "400005"), permission = api(401, "400007"), clock = api(401, "400002"),
                 limited = api(429, "429000"), down = api(503, ""), bad_param = api(400, "400100");
  ApiError transport_error;
  transport_error.kind = ApiErrorKind::transport;
  ApiError bad_body;
  bad_body.kind = ApiErrorKind::bad_response;
  const ApiError& transport = transport_error;
  const ApiError& junk = bad_body;

  for (const ApiError* e : {&signature, &permission}) {
    EXPECT_TRUE(is_configuration_error(*e)) << e->code;
    EXPECT_FALSE(is_retryable(*e)) << e->code;
    EXPECT_FALSE(needs_clock_resync(*e));
  }
  EXPECT_TRUE(is_configuration_error(api(403, "")));
  for (const ApiError* e : {&limited, &down, &transport, &clock}) {
    EXPECT_TRUE(is_retryable(*e)) << to_string(e->kind);
    EXPECT_FALSE(is_configuration_error(*e));
  }
  EXPECT_TRUE(needs_clock_resync(clock));
  EXPECT_FALSE(needs_clock_resync(down));
  for (const ApiError* e : {&bad_param, &junk}) {
    EXPECT_FALSE(is_retryable(*e)) << to_string(e->kind);
    EXPECT_FALSE(is_configuration_error(*e));
  }
}

TEST(ErrorConditions, ConnectionStates) {
  net::WsStateEvent e;
  e.state = net::WsState::reconnecting;
  e.reason = WsReason::ping_timeout;
  EXPECT_TRUE(is_retryable(e));
  EXPECT_TRUE(needs_resync(e));
  EXPECT_FALSE(is_configuration_error(e));

  e.state = net::WsState::failed;
  e.reason = WsReason::auth_error;
  EXPECT_FALSE(is_retryable(e)) << "not before resume()";
  EXPECT_TRUE(is_configuration_error(e));
  EXPECT_TRUE(needs_resync(e));

  e.state = net::WsState::live;
  e.reason = WsReason::token_rotation;  // handed over: nothing lost
  EXPECT_FALSE(needs_resync(e));
  EXPECT_FALSE(is_retryable(e));

  e.state = net::WsState::reconnecting;
  e.reason = WsReason::token_rotation;  // the fresh connection failed: a break after all
  EXPECT_TRUE(needs_resync(e));
  EXPECT_TRUE(is_retryable(e));

  e.state = net::WsState::stopped;
  e.reason = WsReason::stopped;
  EXPECT_FALSE(is_retryable(e));
  EXPECT_FALSE(needs_resync(e));
}

TEST(ErrorConditions, StreamDataErrors) {
  EXPECT_TRUE(needs_resync(Error{Errc::parse_error, "truncated frame"}));
  EXPECT_TRUE(needs_resync(Error{Errc::protocol_violation, "sequenceStart > sequenceEnd"}));
  EXPECT_TRUE(needs_resync(Error{Errc::invariant_violation, "crossed"}));
  EXPECT_FALSE(needs_resync(Error{Errc::precision_exceeded, "19 decimals"})) << "the same data again cannot help";
  EXPECT_FALSE(needs_resync(Error{Errc::invalid_argument, "not a symbol"}));
  EXPECT_FALSE(needs_resync(Error{Errc::api_error, "snapshot failed"}));
}

}  // namespace
}  // namespace kucoin
