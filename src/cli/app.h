#pragma once

namespace ocrbatch::cli {

// The whole program: parse, set up, run the batch, and return the exit status.
int main(int argc, char** argv);

}  // namespace ocrbatch::cli
