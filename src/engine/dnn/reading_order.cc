#include "engine/dnn/reading_order.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ocrbatch::engine::dnn {
namespace {

// Boxes shorter than this many text heights count as level.
constexpr float kMinSlopedLength = 3;

struct Item {  // a box, a line or a block: what the grouping compares
  RectF rect;
  float height = 1;
  float cx = 0, cy = 0;
  float slope = 0;  // dy/dx of the text's baseline direction
};

Item box_item(const Quad& quad) {
  Item item;
  item.rect = bounds(quad);
  item.height = std::max(quad_height(quad), 1.0f);
  for (const Point2& p : quad.p) {
    item.cx += p.x / 4;
    item.cy += p.y / 4;
  }
  const float dx = (quad.p[1].x - quad.p[0].x) + (quad.p[2].x - quad.p[3].x);
  const float dy = (quad.p[1].y - quad.p[0].y) + (quad.p[2].y - quad.p[3].y);
  // A vertical box's slope means nothing for rows, and a short box's (a word or a label
  // hardly longer than high) is mostly its descenders and accents: followed across a wide gap
  // it misses the rest of its row. Both count as level.
  const bool long_enough = quad_width(quad) >= kMinSlopedLength * item.height;
  item.slope = long_enough && std::abs(dx) > std::abs(dy) ? dy / dx : 0;
  return item;
}

float overlap(float a0, float a1, float b0, float b1) {
  return std::min(a1, b1) - std::max(a0, b0);
}

RectF unite(const RectF& a, const RectF& b) {
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

bool before(const RectF& a, const RectF& b) { return a.y0 != b.y0 ? a.y0 < b.y0 : a.x0 < b.x0; }

struct Group {
  Item item;   // the last member, for lines; the whole, for blocks
  RectF rect;  // everything in the group
  std::vector<int> members;
  double height_sum = 0;
  float height() const { return static_cast<float>(height_sum / members.size()); }
};

std::vector<Group> group_lines(const std::vector<Item>& boxes, const ReadingOrderParams& params) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return boxes[a].rect.x0 < boxes[b].rect.x0; });
  std::vector<Group> lines;
  for (int index : order) {
    const Item& box = boxes[index];
    int best = -1;
    float best_dy = 0;
    for (size_t l = 0; l < lines.size(); ++l) {
      const Item& last = lines[l].item;
      const float height = (last.height + box.height) / 2;
      const float dy = std::abs(last.cy + last.slope * (box.cx - last.cx) - box.cy);
      const float gap = box.rect.x0 - last.rect.x1;
      if (box.cx <= last.cx || dy >= params.row_tolerance * height ||
          gap > params.line_gap * std::max(last.height, box.height)) {
        continue;
      }
      if (best < 0 || dy < best_dy) {
        best = static_cast<int>(l);
        best_dy = dy;
      }
    }
    if (best < 0) {
      lines.push_back({box, box.rect, {index}, box.height});
    } else {
      Group& line = lines[best];
      line.item = box;
      line.rect = unite(line.rect, box.rect);
      line.members.push_back(index);
      line.height_sum += box.height;
    }
  }
  return lines;
}

// A line as one item: its boxes' mean centre, slope and height.
Item line_item(const Group& line, const std::vector<Item>& boxes) {
  Item item;
  item.rect = line.rect;
  item.height = line.height();
  for (int index : line.members) {
    item.cx += boxes[index].cx / line.members.size();
    item.cy += boxes[index].cy / line.members.size();
    item.slope += boxes[index].slope / line.members.size();
  }
  return item;
}

// Each block: indices into `lines`, top to bottom. Distances between lines are taken along
// the upper line's slope, so skewed paragraphs stay together.
std::vector<Group> group_blocks(const std::vector<Item>& lines, const ReadingOrderParams& params) {
  std::vector<int> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return lines[a].cy != lines[b].cy ? lines[a].cy < lines[b].cy
                                      : lines[a].rect.x0 < lines[b].rect.x0;
  });
  std::vector<Group> blocks;
  for (int index : order) {
    const Item& line = lines[index];
    int best = -1;
    float best_gap = 0;
    for (size_t b = 0; b < blocks.size(); ++b) {
      const Item& last = blocks[b].item;  // the block's last line
      const float height = std::max(line.height, last.height);
      const float dy = line.cy - (last.cy + last.slope * (line.cx - last.cx));
      const float gap = dy - (line.height + last.height) / 2;
      if (gap > params.block_gap * height || dy < params.row_tolerance * height ||
          overlap(line.rect.x0, line.rect.x1, last.rect.x0, last.rect.x1) <= 0) {
        continue;
      }
      if (best < 0 || gap < best_gap) {
        best = static_cast<int>(b);
        best_gap = gap;
      }
    }
    if (best < 0) {
      blocks.push_back({line, line.rect, {index}, line.height});
    } else {
      Group& block = blocks[best];
      block.item = line;
      block.rect = unite(block.rect, line.rect);
      block.members.push_back(index);
      block.height_sum += line.height;
    }
  }
  return blocks;
}

// Kahn's order on "must come before"; the highest ready block goes first, and a cycle (odd
// overlapping shapes) is broken by taking the highest block left.
std::vector<int> order_blocks(const std::vector<Group>& blocks) {
  const size_t n = blocks.size();
  std::vector<std::vector<int>> after(n);
  std::vector<int> pending(n, 0);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      const RectF& ra = blocks[a].rect;
      const RectF& rb = blocks[b].rect;
      const float slack = 0.25f * std::min(blocks[a].height(), blocks[b].height());
      const bool above = ra.y1 <= rb.y0 + slack && overlap(ra.x0, ra.x1, rb.x0, rb.x1) > 0;
      const bool left = ra.x1 <= rb.x0 + slack && overlap(ra.y0, ra.y1, rb.y0, rb.y1) > 0;
      if (above || left) {
        after[a].push_back(static_cast<int>(b));
        ++pending[b];
      }
    }
  }
  std::vector<int> result;
  std::vector<bool> done(n, false);
  while (result.size() < n) {
    int pick = -1;
    for (size_t i = 0; i < n; ++i) {
      if (done[i] || pending[i] != 0) continue;
      if (pick < 0 || before(blocks[i].rect, blocks[pick].rect)) pick = static_cast<int>(i);
    }
    if (pick < 0) {
      for (size_t i = 0; i < n; ++i) {
        if (!done[i] && (pick < 0 || before(blocks[i].rect, blocks[pick].rect))) {
          pick = static_cast<int>(i);
        }
      }
    }
    done[pick] = true;
    result.push_back(pick);
    for (int next : after[pick]) --pending[next];
  }
  return result;
}

}  // namespace

std::vector<LayoutBlock> reading_order(const std::vector<Quad>& quads,
                                       const ReadingOrderParams& params) {
  std::vector<Item> boxes;
  boxes.reserve(quads.size());
  for (const Quad& quad : quads) boxes.push_back(box_item(quad));
  const std::vector<Group> lines = group_lines(boxes, params);
  std::vector<Item> line_items;
  for (const Group& line : lines) line_items.push_back(line_item(line, boxes));
  const std::vector<Group> blocks = group_blocks(line_items, params);
  std::vector<LayoutBlock> layout;
  for (int b : order_blocks(blocks)) {
    LayoutBlock block;
    for (int l : blocks[b].members) block.lines.push_back({lines[l].members});
    layout.push_back(std::move(block));
  }
  return layout;
}

}  // namespace ocrbatch::engine::dnn
