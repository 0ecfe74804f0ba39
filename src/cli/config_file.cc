#include "cli/config_file.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "cli/options.h"

namespace ocrbatch::cli {
namespace {

std::string position(const std::string& path, const toml::source_region& source) {
  return path + ":" + std::to_string(source.begin.line) + ":" + std::to_string(source.begin.column);
}

// A scalar as the text an option would be given on the command line; false if it is none.
bool scalar_text(const toml::node& node, std::string& out) {
  if (const auto* s = node.as_string()) {
    out = s->get();
    return true;
  }
  if (const auto* i = node.as_integer()) {
    out = std::to_string(i->get());
    return true;
  }
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream text;
    text.precision(17);
    text << f->get();
    out = text.str();
    return true;
  }
  if (const auto* b = node.as_boolean()) {
    out = b->get() ? "true" : "false";
    return true;
  }
  return false;
}

}  // namespace

std::vector<ConfigEntry> read_config_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UsageError("cannot read config file '" + path + "'");
  std::stringstream content;
  content << file.rdbuf();
  toml::table table;
  try {
    table = toml::parse(content.str(), path);
  } catch (const toml::parse_error& e) {
    throw UsageError(position(path, e.source()) + ": " + std::string(e.description()));
  }
  std::vector<ConfigEntry> entries;
  for (const auto& [key, node] : table) {
    ConfigEntry entry;
    entry.key = std::string(key.str());
    entry.where = position(path, node.source());
    const std::string what = entry.where + ": '" + entry.key + "'";
    if (node.is_table())
      throw UsageError(what + " is a table; keys go at the top level, without [sections]");
    if (const auto* array = node.as_array()) {
      entry.is_array = true;
      for (const auto& element : *array) {
        std::string text;
        if (!scalar_text(element, text) || element.is_boolean())
          throw UsageError(what + " holds an element that is not a string or number");
        entry.values.push_back(text);
      }
    } else {
      std::string text;
      if (!scalar_text(node, text))
        throw UsageError(what + " has a value that is not a string, number or boolean");
      entry.is_boolean = node.is_boolean();
      entry.values.push_back(text);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace ocrbatch::cli
