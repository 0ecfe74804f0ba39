#include "cli/app.h"

int main(int argc, char** argv) { return ocrbatch::cli::main(argc, argv); }
