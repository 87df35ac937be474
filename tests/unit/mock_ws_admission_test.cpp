// The mock's WebSocket admission without sockets: which upgrade requests become sessions, in which
// order the checks run, the connectId of the welcome, and the record of every request.
#include "kucoin/mock/ws_admission.hpp"

#include <gtest/gtest.h>

#include <set>

#include "kucoin/mock/ws_logic.hpp"
#include "kucoin/protocol/rest_codec.hpp"
#include "kucoin/protocol/ws_url.hpp"
#include "mock_rest_helpers.hpp"

namespace kucoin::mock {
namespace {

using testing::kNow;
using testing::Req;

// A token the service really issued (POST /api/v1/bullet-public or, signed, bullet-private).
std::string bullet(RestService& svc, bool private_token = false) {
  Req r = private_token
              ? testing::signed_req(testing::creds(testing::key_v2()), "POST", "/api/v1/bullet-private", "", kNow)
              : Req{"POST", "/api/v1/bullet-public", "", {}, {}};
  RestAnswer a = svc.handle(r.view(), kNow);
  auto tok = RestDecoder().bullet(a.status, a.body);
  EXPECT_TRUE(tok) << a.body;
  return tok ? tok->token.reveal() : std::string();
}

std::string target(std::string_view token, std::string_view connect_id = "") {
  return build_connect_url("/endpoint", token, connect_id);
}

TEST(MockWsAdmission, AnIssuedTokenIsAdmittedWithItsKindExpiryAndTheSentConnectId) {
  RestService svc(testing::config_with_key());
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string pub = bullet(svc), priv = bullet(svc, true);

  WsAdmission a = gate.admit(target(pub, "hQvf8jkno"), svc);
  EXPECT_TRUE(a.accepted());
  EXPECT_EQ(a.status, 101);
  EXPECT_TRUE(a.body.empty());
  EXPECT_EQ(a.connection, 1u);
  EXPECT_EQ(a.connect_id, "hQvf8jkno");
  EXPECT_EQ(a.sent_connect_id, "hQvf8jkno");
  EXPECT_EQ(a.token, pub);
  EXPECT_EQ(a.fingerprint, token_fingerprint(pub));
  EXPECT_FALSE(a.private_token);
  EXPECT_EQ(a.expires_ms, kNow + 86'400'000);

  WsAdmission b = gate.admit(target(priv), svc);
  EXPECT_TRUE(b.accepted());
  EXPECT_EQ(b.connection, 2u);
  EXPECT_TRUE(b.private_token);
  EXPECT_TRUE(b.sent_connect_id.empty());
  EXPECT_EQ(b.connect_id.size(), 10u) << "a random id for the welcome";

  // "/" is accepted too (clients that connect to the bare host).
  EXPECT_TRUE(gate.admit("/?token=" + percent_encode(pub), svc).accepted());

  const auto& recs = gate.records();
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].connect_id, "hQvf8jkno");
  EXPECT_EQ(recs[0].token, token_fingerprint(pub));
  EXPECT_EQ(recs[0].status, 101);
  EXPECT_TRUE(recs[0].close_reason.empty()) << "open";
  EXPECT_TRUE(recs[1].private_token);
  EXPECT_TRUE(recs[1].connect_id.empty()) << "records keep what was sent";
  for (const auto& r : recs) EXPECT_EQ(r.token.find(pub), std::string::npos) << "never the token itself";
}

TEST(MockWsAdmission, RefusalsInOrderWithKuCoinShapedBodies) {
  RestService svc(RestServiceConfig{});
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string tok = bullet(svc);
  RestDecoder d;
  auto check = [&](const WsAdmission& a, int status, std::string_view code, std::string_view msg) {
    EXPECT_FALSE(a.accepted());
    EXPECT_EQ(a.status, status);
    auto e = d.envelope(a.status, a.body);
    ASSERT_FALSE(e) << a.body;
    EXPECT_EQ(e.error().code, code) << a.body;
    EXPECT_EQ(e.error().msg, msg) << a.body;
  };
  check(gate.admit("/endpoint", svc), 401, "401000", "token is missing");
  check(gate.admit(target("forged"), svc), 401, "401000", "token is invalid");
  check(gate.admit("/other?token=" + percent_encode(tok), svc), 404, "404000", "Not Found");  // path before token
  const WsAdmission bad = gate.admit("/endpoint?token=%zz", svc);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("400100"), std::string::npos) << bad.body;
  EXPECT_EQ(gate.records().size(), 4u);
  for (const auto& r : gate.records()) {
    EXPECT_EQ(r.close_reason, "refused");
    EXPECT_NE(r.status, 101);
  }
  EXPECT_EQ(gate.records()[2].token, token_fingerprint(tok))
      << "a refused request is recorded with its token's fingerprint";
}

TEST(MockWsAdmission, RefuseUpgradeFaultCountsDownAndSetFaultsRestartsIt) {
  RestService svc(RestServiceConfig{});
  WsFaults f;
  f.refuse_upgrade_status = 503;
  f.refuse_upgrade_count = 2;
  WsAdmissions gate("/endpoint", f, 1);
  const std::string tok = bullet(svc);
  const WsAdmission first = gate.admit(target(tok), svc);
  EXPECT_EQ(first.status, 503);
  EXPECT_NE(first.body.find(R"("503000")"), std::string::npos) << first.body;
  EXPECT_EQ(gate.admit(target(tok), svc).status, 503);
  EXPECT_TRUE(gate.admit(target(tok), svc).accepted()) << "two refusals, then normal";
  EXPECT_EQ(gate.admit(target(""), svc).status, 401) << "a refusal fault used up: the token checks again";

  f.refuse_upgrade_count = -1;
  f.refuse_upgrade_status = 403;
  gate.set_faults(f);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gate.admit(target(tok), svc).status, 403);
  f.refuse_upgrade_count = 1;
  gate.set_faults(f);
  EXPECT_EQ(gate.admit(target(tok), svc).status, 403);
  EXPECT_TRUE(gate.admit(target(tok), svc).accepted());
  EXPECT_EQ(gate.faults().refuse_upgrade_status, 403);
}

TEST(MockWsAdmission, FaultsInEffectAtTheUpgradeTravelWithTheAdmission) {
  RestService svc(RestServiceConfig{});
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string tok = bullet(svc);
  const WsAdmission before = gate.admit(target(tok), svc);
  WsFaults f;
  f.no_welcome = true;
  f.slow_reader_backlog = 200;
  gate.set_faults(f);
  const WsAdmission after = gate.admit(target(tok), svc);
  EXPECT_FALSE(before.faults.no_welcome);
  EXPECT_TRUE(after.faults.no_welcome);
  EXPECT_EQ(after.faults.slow_reader_backlog, 200u);
}

TEST(MockWsAdmission, AnExpiredTokenIsAdmittedTheSessionSendsThe401Frame) {
  RestService svc(RestServiceConfig{});
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string tok = bullet(svc);
  svc.expire_tokens(kNow + 5);
  const WsAdmission a = gate.admit(target(tok), svc);
  EXPECT_TRUE(a.accepted());
  EXPECT_EQ(a.expires_ms, kNow + 5);
}

TEST(MockWsAdmission, RandomConnectIdsAreSeededAndDistinct) {
  RestService svc(RestServiceConfig{});
  const std::string tok = bullet(svc);
  auto ids = [&](std::uint64_t seed) {
    WsAdmissions gate("/endpoint", {}, seed);
    std::vector<std::string> out;
    for (int i = 0; i < 20; ++i) out.push_back(gate.admit(target(tok), svc).connect_id);
    return out;
  };
  const auto a = ids(7), b = ids(7), c = ids(8);
  EXPECT_EQ(a, b) << "same seed, same ids";
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<std::string>(a.begin(), a.end()).size(), a.size());
  for (const auto& id : a) {
    EXPECT_EQ(id.size(), 10u);
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
              std::string::npos);
  }
}

TEST(MockWsAdmission, RecordsKeepTheFirstCloseReasonAndTheFrameCounts) {
  RestService svc(RestServiceConfig{});
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string tok = bullet(svc);
  const auto one = gate.admit(target(tok), svc).connection;
  const auto two = gate.admit(target(tok), svc).connection;
  gate.closing(one, "token expired");
  gate.ended(one, "client closed", 120, 3);  // the reason the mock gave first stays
  gate.ended(two, "idle timeout", 7, 0);
  gate.ended(99, "unknown connection", 1, 1);  // ignored
  const auto& r = gate.records();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].close_reason, "token expired");
  EXPECT_EQ(r[0].frames_sent, 120u);
  EXPECT_EQ(r[0].frames_dropped, 3u);
  EXPECT_EQ(r[1].close_reason, "idle timeout");
  EXPECT_EQ(r[1].frames_sent, 7u);
}

TEST(MockWsAdmission, NoWelcomeWithACountSkipsTheWelcomeOfTheFirstUpgradedSessionsOnly) {
  RestService svc(RestServiceConfig{});
  WsFaults f;
  f.no_welcome = true;
  f.no_welcome_count = 2;
  WsAdmissions gate("/endpoint", f, 1);
  const std::string tok = bullet(svc);
  EXPECT_FALSE(gate.admit("/endpoint?connectId=x", svc).accepted());  // refused: not counted
  EXPECT_TRUE(gate.admit(target(tok), svc).faults.no_welcome);
  EXPECT_TRUE(gate.admit(target(tok), svc).faults.no_welcome);
  EXPECT_FALSE(gate.admit(target(tok), svc).faults.no_welcome);
  f.no_welcome_count = -1;  // all of them, from now on
  gate.set_faults(f);
  EXPECT_TRUE(gate.admit(target(tok), svc).faults.no_welcome);
  EXPECT_TRUE(gate.admit(target(tok), svc).faults.no_welcome);
}

// Spot and futures tokens "cannot be mixed" (kucoin-protocol.md §4.1): each host's WebSocket
// endpoint admits only the tokens of its own bullet endpoints.
TEST(MockWsAdmission, EachHostAdmitsOnlyTheTokensOfItsOwnBulletEndpoints) {
  RestService svc(testing::config_with_key());
  WsAdmissions gate("/endpoint", {}, 1);
  const std::string spot = bullet(svc);
  Req r{"POST", "/api/v1/bullet-public", "", {}, {}};
  RestAnswer fa = svc.handle(r.view(), kNow, kucoin::Market::futures);
  auto futures_token = RestDecoder().bullet(fa.status, fa.body);
  ASSERT_TRUE(futures_token) << fa.body;
  const std::string fut = futures_token->token.reveal();
  ASSERT_EQ(svc.token_info(fut)->venue, kucoin::Market::futures);

  EXPECT_TRUE(gate.admit(target(spot), svc, kucoin::Market::spot).accepted());
  EXPECT_TRUE(gate.admit(target(fut), svc, kucoin::Market::futures).accepted());
  const WsAdmission spot_on_futures = gate.admit(target(spot), svc, kucoin::Market::futures);
  EXPECT_EQ(spot_on_futures.status, 401);
  EXPECT_NE(spot_on_futures.body.find("token is invalid"), std::string::npos) << spot_on_futures.body;
  EXPECT_EQ(gate.admit(target(fut), svc, kucoin::Market::spot).status, 401);
}

}  // namespace
}  // namespace kucoin::mock
