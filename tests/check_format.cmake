# Fails when any C++ source under src/, tests/ or bench/ differs from clang-format's output.
# Run `clang-format -i` on the files it names to fix them.
file(GLOB_RECURSE sources
     ${ROOT}/src/*.cc ${ROOT}/src/*.h ${ROOT}/src/*.cpp
     ${ROOT}/tests/*.cc ${ROOT}/tests/*.h ${ROOT}/bench/*.cc ${ROOT}/bench/*.h)
execute_process(COMMAND ${CLANG_FORMAT} --style=file --dry-run --Werror ${sources}
                RESULT_VARIABLE result ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "unformatted files (fix with clang-format -i):\n${errors}")
endif()
list(LENGTH sources count)
message(STATUS "${count} files formatted")
