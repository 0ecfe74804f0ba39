#include "recognize/routing.h"

namespace ocrbatch::recognize {
Route choose_route(const preprocess::Page& /*page*/) { return Route{}; }

}  // namespace ocrbatch::recognize
