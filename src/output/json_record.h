#pragma once
// The JSON form of every record type: the output contract shared by -f jsonl and -f json.
// Every string is valid UTF-8; a source name that is not also has its exact bytes in
// "source_bytes" (base64), so a program can still find the file.

#include <nlohmann/json.hpp>

#include "output/sink.h"

namespace ocrbatch::output {

nlohmann::ordered_json to_json(const record::Record& record, record::Detail detail);
nlohmann::ordered_json to_json(const record::RunStats& stats);

// `record` (a to_json result) with the run's id and shard from `options` right after "type":
// `"shard":I` in page and error records, `"shard":{"index":I,"count":N}` in the summary.
nlohmann::ordered_json with_run(const nlohmann::ordered_json& record, const SinkOptions& options);

// The inverse of to_json for page and error records, exact names included: lets the ledger
// keep records as JSON and replay them through any sink. Throws nlohmann::json::exception on
// malformed input.
record::Record record_from_json(const nlohmann::json& j);

// Serialises without throwing on invalid UTF-8 (file names need not be UTF-8): bad bytes
// become U+FFFD.
std::string dump(const nlohmann::ordered_json& value);

}  // namespace ocrbatch::output
