// KuCoin's official universal SDK (kucoin-universal-sdk 1.3, Node.js) against the mock,
// unmodified: only its REST endpoints point at the mock; the WebSocket URL comes from the bullet
// answer, the SDK pings, subscribes with its own string ids. Run by with_mock.sh (ctest: interop).
import assert from 'node:assert/strict';
import sdk from 'kucoin-universal-sdk';

const { ClientOptionBuilder, DefaultClient, TransportOptionBuilder, WebSocketClientOptionBuilder, Spot, Account } = sdk;
const url = process.env.MOCK_URL;
const option = new ClientOptionBuilder()
  .setKey(process.env.MOCK_KEY)
  .setSecret(process.env.MOCK_SECRET)
  .setPassphrase(process.env.MOCK_PASSPHRASE)
  .setSpotEndpoint(url)
  .setFuturesEndpoint(url)
  .setBrokerEndpoint(url)
  .setTransportOption(new TransportOptionBuilder().setMaxRetries(0).build())
  .setWebSocketClientOption(new WebSocketClientOptionBuilder().build())
  .build();
const client = new DefaultClient(option);
const market = client.restService().getSpotService().getMarketApi();
const account = client.restService().getAccountService().getAccountApi();

const failures = [];
async function step(name, f) {
  try {
    await f();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}: ${String(e && e.stack || e).slice(0, 600)}`);
  }
}
const withTimeout = (p, ms, what) =>
  Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), ms))]);

await step('REST: server time, all symbols, one symbol', async () => {
  const t = await market.getServerTime();
  assert.ok(Math.abs(Number(t.data) - Date.now()) < 60_000, JSON.stringify(t.data));
  const all = await market.getAllSymbols(Spot.Market.GetAllSymbolsReq.create({}));
  assert.ok(all.data.some((s) => s.symbol === 'BTC-USDT'));
  const one = await market.getSymbol(Spot.Market.GetSymbolReq.create({ symbol: 'ETH-USDT' }));
  assert.equal(one.priceIncrement, '0.01');
});
await step('REST: ticker, all tickers, 24h stats, trade history', async () => {
  const t = await market.getTicker(Spot.Market.GetTickerReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(Number(t.bestBid) > 0 && Number(t.bestAsk) > Number(t.bestBid), JSON.stringify(t).slice(0, 200));
  const all = await market.getAllTickers();
  assert.equal(all.ticker.length, 2);
  const stats = await market.get24hrStats(Spot.Market.Get24hrStatsReq.create({ symbol: 'BTC-USDT' }));
  assert.equal(stats.symbol, 'BTC-USDT');
  const trades = await market.getTradeHistory(Spot.Market.GetTradeHistoryReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(Array.isArray(trades.data));
});
await step('REST: part order book (20, 100) and the signed full book', async () => {
  for (const size of ['20', '100']) {
    const b = await market.getPartOrderBook(Spot.Market.GetPartOrderBookReq.create({ symbol: 'BTC-USDT', size }));
    assert.equal(b.bids.length, Number(size));
    assert.ok(Number(b.bids[0][0]) < Number(b.asks[0][0]));
  }
  const full = await market.getFullOrderBook(Spot.Market.GetFullOrderBookReq.create({ symbol: 'BTC-USDT' }));
  assert.ok(full.bids.length > 100 && Number(full.sequence) > 0);
});
await step('REST: accounts (signed; an unset filter goes out as "undefined"), user info, account type', async () => {
  const list = await account.getSpotAccountList(Account.Account.GetSpotAccountListReq.create({ currency: 'USDT' }));
  assert.ok(list.data.length >= 1 && list.data.every((a) => a.currency === 'USDT'), JSON.stringify(list.data));
  const info = await account.getAccountInfo();
  assert.equal(info.level, 0);
  const hf = await account.getSpotAccountType();
  assert.equal(hf.data, false);
});
await step('WebSocket: level2 increments of BTC-USDT arrive without a gap, under a string subscribe id', async () => {
  const ws = client.wsService().newSpotPublicWS();
  await ws.start();
  const got = [];
  let resolve;
  const done = new Promise((r) => (resolve = r));
  const id = await ws.orderbookIncrement(['BTC-USDT'], (topic, subject, data) => {
    got.push(data);
    if (got.length >= 30) resolve();
  });
  assert.ok(typeof id === 'string' && id.length > 0, String(id));
  await withTimeout(done, 15_000, 'level2 increments');
  for (let i = 1; i < got.length; ++i) {
    assert.equal(Number(got[i].sequenceStart), Number(got[i - 1].sequenceEnd) + 1, `message ${i}`);
  }
  assert.equal(got[0].symbol, 'BTC-USDT');
  await ws.unSubscribe(id);
  await ws.stop();
});
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('kucoin-universal-sdk: every step passed');
process.exit(0);
