// KuCoin's official universal SDK (kucoin-universal-sdk 1.3) as a client under test of the
// scenario runner, unmodified: `kucoin-harness run --client "node tests/interop/sdk_adapter.mjs"`.
// The SDK gives the transport (bullet token, WebSocket, pings, reconnects, subscribe ids, signed
// REST) but keeps no book: this adapter builds one per symbol from its orderbookIncrement stream
// and its full order book (signed; without a key the part book of 100), as KuCoin documents:
// buffer the increments, drop what the snapshot holds, apply the rest, and start over on a gap.
import { environment, event, log, onStop, reporter } from './report.mjs';  // first: console to stderr
import sdk from 'kucoin-universal-sdk';

const { ClientOptionBuilder, DefaultClient, TransportOptionBuilder, WebSocketClientOptionBuilder, Spot } = sdk;
const { url, symbols, key } = environment();
const RESET_DISTANCE = 10_000;

const wsOption = new WebSocketClientOptionBuilder()
  .withEventCallback((ev, msg) => { if (ev !== 'EventPongReceived' && ev !== 'EventMessageReceived') onWsEvent(ev, msg); })
  .build();
let builder = new ClientOptionBuilder().setSpotEndpoint(url).setFuturesEndpoint(url).setBrokerEndpoint(url)
  .setTransportOption(new TransportOptionBuilder().setMaxRetries(0).build())
  .setWebSocketClientOption(wsOption);
if (key) builder = builder.setKey(key.key).setSecret(key.secret).setPassphrase(key.passphrase);
const client = new DefaultClient(builder.build());
const market = client.restService().getSpotService().getMarketApi();

class Book {
  constructor(symbol) { this.symbol = symbol; this.generation = 0; this.buffer = []; this.restart(); }
  restart() { this.synced = false; this.sequence = 0; this.bids = new Map(); this.asks = new Map(); ++this.generation; }
  resync(cause, detail) {
    event(this.symbol, 'resync', cause, detail);
    this.restart();
    this.fetch();
  }
  async fetch(attempt = 0) {
    const generation = this.generation;
    try {
      const snap = key
        ? await market.getFullOrderBook(Spot.Market.GetFullOrderBookReq.create({ symbol: this.symbol }))
        : await market.getPartOrderBook(Spot.Market.GetPartOrderBookReq.create({ symbol: this.symbol, size: '100' }));
      if (generation !== this.generation) return;
      this.sequence = Number(snap.sequence);
      for (const [p, s] of snap.bids) this.bids.set(p, s);
      for (const [p, s] of snap.asks) this.asks.set(p, s);
      this.synced = true;
      event(this.symbol, 'synced', undefined, `snapshot at ${this.sequence}`);
      const buffered = this.buffer;
      this.buffer = [];
      for (const m of buffered) this.onMessage(m);
      changed(this.symbol);
    } catch (e) {
      if (generation !== this.generation) return;
      event(this.symbol, 'snapshot_failed', undefined,
            String(e.message ?? e).slice(0, 200) + (e.response ? ' ' + JSON.stringify(e.response.data).slice(0, 200) : ''));
      setTimeout(() => { if (generation === this.generation) this.fetch(attempt + 1); }, Math.min(20 * 2 ** attempt, 500));
    }
  }
  onMessage(m) {
    if (!this.synced) { this.buffer.push(m); return; }
    const start = Number(m.sequenceStart), end = Number(m.sequenceEnd);
    let cause;
    if (end < this.sequence - RESET_DISTANCE) cause = 'sequence_reset';
    else if (end <= this.sequence) return;
    else if (start > this.sequence + 1) cause = 'gap';
    if (cause) {
      this.resync(cause, `message ${start}-${end}, book at ${this.sequence}`);
      this.buffer.push(m);
      return;
    }
    for (const [side, book] of [['bids', this.bids], ['asks', this.asks]]) {
      for (const [price, size, seq] of m.changes[side] ?? []) {
        if (Number(seq) <= this.sequence || price === '0') continue;
        if (Number(size) === 0) book.delete(price); else book.set(price, size);
      }
    }
    this.sequence = end;
    changed(this.symbol);
  }
  view() {
    if (!this.synced) return undefined;
    const side = (m, desc) => [...m.entries()].sort((a, b) => (desc ? -1 : 1) * (Number(a[0]) - Number(b[0])));
    return { sequence: this.sequence, exact_depth: key ? null : 100, bids: side(this.bids, true), asks: side(this.asks, false) };
  }
}
const books = new Map(symbols.map((s) => [s, new Book(s)]));
const changed = reporter((symbol) => books.get(symbol)?.view());

// The SDK reconnects by itself and subscribes again: every book starts over on the new stream.
function onWsEvent(ev, msg) {
  log(`sdk: ${ev}${msg ? ' ' + String(msg).slice(0, 200) : ''}`);
  if (ev === 'EventReSubscribeOK') {
    for (const b of books.values()) { b.buffer = []; b.resync('reconnect', ev); }
  }
}

const ws = client.wsService().newSpotPublicWS();
onStop(() => process.exit(0));
await ws.start();
await ws.orderbookIncrement(symbols, (topic, subject, data) => books.get(data.symbol)?.onMessage(data));
for (const b of books.values()) b.fetch();
