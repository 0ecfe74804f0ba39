#include "output/sink.h"

namespace ocrbatch::output {

std::unique_ptr<Sink> make_jsonl_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_json_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_csv_sink(std::ostream& out, const SinkOptions& options);
std::unique_ptr<Sink> make_text_sink(std::ostream& out, const SinkOptions& options);

const std::vector<std::pair<std::string, SinkFactory>>& sink_table() {
  static const std::vector<std::pair<std::string, SinkFactory>> table{
      {"jsonl", make_jsonl_sink},
      {"json", make_json_sink},
      {"csv", make_csv_sink},
      {"text", make_text_sink},
  };
  return table;
}

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

bool needs_page_images(const std::string& format) { return format == "pdf"; }

}  // namespace ocrbatch::output
