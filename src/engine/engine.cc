#include "engine/engine.h"

#include <algorithm>
#include <cmath>

namespace ocrbatch::engine {

int timeout_ms_for(double timeout_s) {
  if (!(timeout_s > 0)) return 0;
  return static_cast<int>(std::min(std::ceil(timeout_s * 1000), 86400.0 * 1000));
}

}  // namespace ocrbatch::engine
