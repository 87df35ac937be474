// Fuzz target: frame logs of other tools (import_frame_log, frame_log_import.hpp), as
// `kucoin-harness import` reads them. Properties, for every input:
//   - an imported log written as a capture (encode_header, encode_record) reads back to the same
//     header and records: the import loses nothing the capture format cannot hold;
//   - a reported problem lies inside the text, and a failure has a message.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "kucoin/capture/capture_codec.hpp"
#include "kucoin/capture/frame_log_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kucoin::capture;
  const std::string_view text = kucoin::fuzz::as_text(data, size);
  auto imported = import_frame_log(text, "fuzz.framelog");
  if (!imported) {
    KUCOIN_FUZZ_CHECK(!imported.error().message.empty(), "an error without a message");
    return 0;
  }
  if (imported->problem) {
    KUCOIN_FUZZ_CHECK(imported->problem->offset <= text.size(), imported->problem->message);
  }
  std::string capture;
  encode_header(imported->header, capture);
  for (const CaptureRecord& r : imported->records) encode_record(r, capture);
  auto back = parse_capture(capture);
  KUCOIN_FUZZ_CHECK(back.has_value(), "the imported log does not read back as a capture: " + capture);
  KUCOIN_FUZZ_CHECK(!back->problem, "the imported log's capture has a problem: " + back->problem->message);
  KUCOIN_FUZZ_CHECK(back->header == imported->header, "header differs after the round trip");
  KUCOIN_FUZZ_CHECK(back->records == imported->records, "records differ after the round trip");
  return 0;
}
