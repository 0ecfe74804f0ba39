// Micro-benchmarks of the per-page work ocrbatch does besides recognition: decoding from
// memory and writing a record. They show how small that overhead is next to OCR time.
//   cmake -B build -DOCRBATCH_BUILD_BENCH=ON && cmake --build build && build/bench/ocrbatch_micro

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "image/image.h"
#include "output/sink.h"

namespace {

std::string sample(const char* name) {
  std::ifstream in(std::string(OCRBATCH_SAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void BM_Decode(benchmark::State& state, const char* name) {
  const std::string bytes = sample(name);
  const auto format = ocrbatch::image::sniff(bytes);
  for (auto _ : state) {
    auto pix = ocrbatch::image::decode(bytes, format);
    benchmark::DoNotOptimize(pix);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK_CAPTURE(BM_Decode, png_1bit, "letter.png")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Decode, jpeg_grey, "invoice.jpg")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Decode, tiff_g4, "report.tif")->Unit(benchmark::kMicrosecond);

void BM_JsonlRecord(benchmark::State& state) {
  ocrbatch::record::PageResult page;
  page.source = "scans/2026/11/invoice-000123.png";
  page.text = std::string(2000, 'a');
  for (int i = 0; i < 300; ++i) page.items.push_back({"word", 91.5, {i, 10, 40, 12}});
  std::ostringstream out;
  auto sink = ocrbatch::output::make_sink("jsonl", out, {ocrbatch::record::Detail::word});
  for (auto _ : state) {
    sink->write(page);
    out.str("");
  }
}
BENCHMARK(BM_JsonlRecord)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
