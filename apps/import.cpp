// kucoin-harness import FRAMELOG OUT: a frame log of another tool becomes a capture.
#include <fstream>
#include <sstream>

#include "capture_tools.hpp"
#include "kucoin/capture/capture_file.hpp"
#include "kucoin/capture/capture_writer.hpp"
#include "kucoin/capture/frame_log_import.hpp"

namespace kucoin::apps {

int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err) {
  auto text = capture::read_file_text(o.frame_log);  // a frame log may be compressed too (.zst)
  if (!text) {
    err << "import: " << text.error().message << '\n';
    return 2;
  }
  auto imported = capture::import_frame_log(text->text, o.frame_log);
  if (!imported) {
    err << "import: " << o.frame_log << ": " << imported.error().message << '\n';
    return 2;
  }
  capture::CaptureWriterOptions wo;
  wo.path = o.out;
  wo.header = imported->header;
  auto w = capture::CaptureWriter::open(wo, imported->header.start_mono_ns, imported->header.start_wall_ns);
  if (!w) {
    err << "import: " << w.error().message << '\n';
    return 2;
  }
  for (auto& r : imported->records) {
    if (auto a = (*w)->add(std::move(r)); !a) {
      err << "import: " << a.error().message << '\n';
      return 2;
    }
  }
  if (auto c = (*w)->close(); !c) {
    err << "import: " << c.error().message << '\n';
    return 2;
  }
  const auto st = (*w)->stats();
  out << "imported " << st.records << " records from " << o.frame_log << " into " << o.out << " ("
      << imported->header.symbols.size() << " symbols, " << imported->header.topics.size() << " channels, source "
      << imported->header.source << ")\n";
  if (imported->reordered != 0) {
    out << "  " << imported->reordered << " lines went back in time (recv_ns): kept in file order, time clamped\n";
  }
  if (imported->problem) {
    err << "import: " << imported->problem->message << '\n';
    return imported->problem->kind == capture::ReadProblem::Kind::damaged ? 1 : 0;
  }
  return 0;
}

}  // namespace kucoin::apps
