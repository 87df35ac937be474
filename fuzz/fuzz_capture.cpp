// Fuzz target: capture files (the JSON-lines codec, capture_codec.hpp), as `replay` and `inspect`
// read them. Properties, for every input:
//   - a readable capture re-encodes (encode_header, encode_record) to a text that reads back to the
//     same header and records, with no problem;
//   - where reading stopped early, the text before the bad line reads to the same records with no
//     problem (a cut or damaged line costs only itself and what follows), and the offset and line
//     are inside the text; a header without its end of line keeps the header alone (line 1, offset 0);
//   - the streaming reader sees the same records and the same problem.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "kucoin/capture/capture_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin::capture;
  const std::string_view text = kucoin::fuzz::as_text(data, size);
  auto parsed = parse_capture(text);
  if (!parsed) {
    KUCOIN_FUZZ_CHECK(!parsed.error().message.empty(), "an error without a message");
    return 0;
  }
  const CaptureContents& c = *parsed;

  std::string again;
  encode_header(c.header, again);
  for (const CaptureRecord& r : c.records) encode_record(r, again);
  auto back = parse_capture(again);
  KUCOIN_FUZZ_CHECK(back.has_value(), "re-encoded capture refused: " + again);
  KUCOIN_FUZZ_CHECK(!back->problem, "re-encoded capture has a problem: " + back->problem->message);
  KUCOIN_FUZZ_CHECK(back->header == c.header, "re-encoded header differs: " + again);
  KUCOIN_FUZZ_CHECK(back->records == c.records, "re-encoded records differ: " + again);

  if (c.problem && c.problem->line == 1) {
    // A header without its end of line (a recorder killed as it wrote it): the header is kept,
    // nothing after it, the problem at the start.
    KUCOIN_FUZZ_CHECK(c.problem->offset == 0 && c.problem->kind == ReadProblem::Kind::truncated && c.records.empty(),
                      c.problem->message);
  } else if (c.problem) {
    KUCOIN_FUZZ_CHECK(c.problem->offset <= text.size() && c.problem->line >= 2, c.problem->message);
    KUCOIN_FUZZ_CHECK(!c.problem->message.empty(), "a problem without a message");
    auto before = parse_capture(text.substr(0, c.problem->offset));
    KUCOIN_FUZZ_CHECK(before.has_value() && !before->problem && before->records == c.records,
                      "the text before the problem does not read to the same records: " + c.problem->message);
  }

  CaptureContents streamed;
  std::vector<CaptureRecord> seen;
  auto rs = parse_capture(text, streamed, [&](const CaptureRecord& r) { seen.push_back(r); });
  KUCOIN_FUZZ_CHECK(rs.has_value() && streamed.header == c.header && seen == c.records,
                    "the streaming reader disagrees");
  KUCOIN_FUZZ_CHECK(streamed.problem.has_value() == c.problem.has_value() &&
                        (!c.problem || streamed.problem->offset == c.problem->offset),
                    "the streaming reader reports another problem");
  return 0;
}
