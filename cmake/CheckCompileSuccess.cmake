# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDES="a;b" -P CheckCompileSuccess.cmake
#
# The counterpart of CheckCompileFailure.cmake: passes when SOURCE compiles, with the same
# standard and include directories, and with warnings as errors. A failure prints the
# compiler's diagnostic, so the step that was not accepted can be read from the test log.
foreach(var COMPILER SOURCE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "CheckCompileSuccess.cmake: ${var} is not set")
    endif()
endforeach()
set(include_flags)
foreach(dir IN LISTS INCLUDES)
    list(APPEND include_flags "-I${dir}")
endforeach()
execute_process(
    COMMAND ${COMPILER} -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror
            ${include_flags} ${SOURCE}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SOURCE} did not compile, but it must. The compiler said:\n${out}${err}")
endif()
message(STATUS "${SOURCE}: compiled")
