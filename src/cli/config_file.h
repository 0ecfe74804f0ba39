#pragma once
// Reads a --config file: TOML, parsed by toml++ (the only place that includes it). Keys are long
// option names; the caller checks them against the options it knows.

#include <string>
#include <vector>

namespace ocrbatch::cli {

// One key of the file, its value(s) as option arguments, and where it was written.
struct ConfigEntry {
  std::string key;
  std::vector<std::string> values;  // one for a scalar; an array's elements in order
  bool is_boolean = false;          // true or false: only flags take it
  bool is_array = false;
  std::string where;  // "FILE:LINE:COLUMN", for messages
};

// Throws UsageError: the file cannot be read, has a TOML syntax error (with file:line:column),
// holds a table, or a value that is not a string, number, boolean or array of those.
std::vector<ConfigEntry> read_config_file(const std::string& path);

}  // namespace ocrbatch::cli
