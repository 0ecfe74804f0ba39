#include "output/sink.h"

namespace ocrbatch::output {

std::unique_ptr<Sink> make_jsonl_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_json_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_csv_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_text_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_tsv_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_hocr_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_alto_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_pdf_sink(std::ostream& out, const SinkOptions& options);

const std::vector<std::pair<std::string, SinkFactory>>& sink_table() {
  static const std::vector<std::pair<std::string, SinkFactory>> table{
      {"jsonl", make_jsonl_sink}, {"json", make_json_sink}, {"csv", make_csv_sink},
      {"text", make_text_sink},   {"tsv", make_tsv_sink},   {"hocr", make_hocr_sink},
      {"alto", make_alto_sink},   {"pdf", make_pdf_sink},
  };
  return table;
}

bool needs_page_image(const std::string& format) { return format == "pdf"; }

std::unique_ptr<Sink> make_sink(const std::string& format, std::ostream& out,
                                const SinkOptions& options) {
  for (const auto& [name, factory] : sink_table())
    if (name == format) return factory(out, options);
  return nullptr;
}

std::string canonical_format(const std::string& name) { return name == "txt" ? "text" : name; }

std::string extension_for(const std::string& format) {
  if (format == "text") return ".txt";
  if (format == "alto") return ".xml";
  return "." + format;
}

}  // namespace ocrbatch::output
