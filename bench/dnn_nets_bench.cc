// Times the DNN engine's nets (src/engine/dnn/nets.h) one forward pass at a time: det on a page,
// rec on a line of each width bucket, cls on a line; and the memory of a RecNet with every width
// loaded. bench/RESULTS.md ("DNN nets") has the table and the command.
//   build/bench/ocrbatch_dnn_nets [--threads N] [--rounds R] [--page IMAGE] [--models DIR]
// --threads 1 (the default) is what ocrbatch uses; 0 keeps OpenCV's own thread count.

#include <leptonica/allheaders.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/dnn/model_files.h"
#include "engine/dnn/nets.h"
#include "image/image.h"

namespace dnn = ocrbatch::engine::dnn;
using ocrbatch::image::PixPtr;

namespace {

double median_ms(int rounds, const std::function<void()>& run) {
  run();  // warm-up: first forward allocates
  std::vector<double> ms;
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  return 0;
}

PixPtr read_image(const std::string& path) {
  PixPtr pix(pixRead(path.c_str()));
  if (!pix) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return pix;
}

// A line of `width` x 48 px: the first line of notice.bmp scaled to 48 px and repeated.
PixPtr line_of_width(Pix* notice, int width) {
  Box* box = boxCreate(72, 68, 517, 63);
  PixPtr line(pixClipRectangle(notice, box, nullptr));
  boxDestroy(&box);
  PixPtr grey(pixConvertTo8(line.get(), 0));
  PixPtr scaled(pixScaleToSize(grey.get(), 0, dnn::kLineHeight));
  PixPtr out(pixCreate(width, dnn::kLineHeight, 8));
  const int w = static_cast<int>(pixGetWidth(scaled.get()));
  for (int x = 0; x < width; x += w)
    pixRasterop(out.get(), x, 0, w, dnn::kLineHeight, PIX_SRC, scaled.get(), 0, 0);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1, rounds = 9;
  std::string page_path = std::string(OCRBATCH_SAMPLES_DIR) + "/letter.png";
  std::string models;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--threads") threads = std::atoi(argv[i + 1]);
    if (arg == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    if (arg == "--page") page_path = argv[i + 1];
    if (arg == "--models") models = argv[i + 1];
  }
  dnn::set_intra_op_threads(threads);
  auto files = dnn::open_model_files(models);
  if (!files.ok()) {
    std::fprintf(stderr, "%s\n", files.error().message.c_str());
    return 2;
  }
  PixPtr page = read_image(page_path);
  PixPtr notice = read_image(std::string(OCRBATCH_SAMPLES_DIR) + "/notice.bmp");

  std::printf("threads %s, median of %d rounds, page %s (%dx%d)\n\n",
              threads >= 1 ? std::to_string(threads).c_str() : "OpenCV default", rounds,
              page_path.c_str(), pixGetWidth(page.get()), pixGetHeight(page.get()));
  std::printf("| net | input | ms per forward |\n|---|---|---|\n");

  const long rss_start = status_kb("VmRSS:");
  {
    dnn::DetNet det(*files);
    dnn::DetMap map;
    const double ms = median_ms(rounds, [&] { map = det.run(page.get()); });
    std::printf("| det | %dx%d | %.1f |\n", map.width, map.height, ms);
  }
  dnn::RecNet rec(*files);
  for (int width : dnn::rec_widths()) {
    PixPtr line = line_of_width(notice.get(), width);
    const double ms = median_ms(rounds, [&] { rec.run(line.get()); });
    std::printf("| rec | 48x%d | %.1f |\n", width, ms);
  }
  const long rss_rec = status_kb("VmRSS:");
  {
    dnn::ClsNet cls(*files);
    PixPtr line = line_of_width(notice.get(), 394);
    const double ms = median_ms(rounds, [&] { cls.run(line.get()); });
    std::printf("| cls | 48x192 | %.1f |\n", ms);
  }
  std::printf("\nRSS: %ld MB at start, %ld MB with all %zu rec widths loaded, peak %ld MB\n",
              rss_start / 1024, rss_rec / 1024, rec.loaded_widths().size(),
              status_kb("VmHWM:") / 1024);
  return 0;
}
