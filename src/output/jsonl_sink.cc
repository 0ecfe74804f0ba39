#include "output/json_record.h"
#include "output/sink.h"

namespace ocrbatch::output {
namespace {

// One JSON object per line; the summary record is the last line.
class JsonlSink : public Sink {
 public:
  JsonlSink(std::ostream& out, const SinkOptions& options) : out_(out), options_(options) {}
  void write(const record::Record& rec) override {
    out_ << dump(with_run(to_json(rec, options_.detail), options_)) << '\n';
  }
  void end_run(const record::RunStats& stats) override {
    out_ << dump(with_run(to_json(stats), options_)) << '\n';
  }

 private:
  std::ostream& out_;
  SinkOptions options_;
};

// One JSON document: an array of the same records as -f jsonl, summary last. Streamed, so
// memory does not grow with the batch; it becomes valid when end_run closes the array.
class JsonSink : public Sink {
 public:
  JsonSink(std::ostream& out, const SinkOptions& options) : out_(out), options_(options) {}
  void begin_run() override { out_ << "[\n"; }
  void write(const record::Record& rec) override {
    out_ << "  " << dump(with_run(to_json(rec, options_.detail), options_)) << ",\n";
  }
  void end_run(const record::RunStats& stats) override {
    out_ << "  " << dump(with_run(to_json(stats), options_)) << "\n]\n";
  }

 private:
  std::ostream& out_;
  SinkOptions options_;
};

}  // namespace

std::unique_ptr<Sink> make_jsonl_sink(std::ostream& out, const SinkOptions& options) {
  return std::make_unique<JsonlSink>(out, options);
}
std::unique_ptr<Sink> make_json_sink(std::ostream& out, const SinkOptions& options) {
  return std::make_unique<JsonSink>(out, options);
}

}  // namespace ocrbatch::output
