# cmake -DCOMPILER=... -DSOURCE=... -DINCLUDES="a;b" -DEXPECT=regex -P CheckCompileFailure.cmake
#
# Passes when SOURCE fails to compile AND the diagnostic matches EXPECT. CTest's WILL_FAIL
# alone would also pass a program that fails for an unrelated reason (a typo, a missing
# header), so the text that a user would read is checked too.
foreach(var COMPILER SOURCE EXPECT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "CheckCompileFailure.cmake: ${var} is not set")
    endif()
endforeach()
set(include_flags)
foreach(dir IN LISTS INCLUDES)
    list(APPEND include_flags "-I${dir}")
endforeach()
execute_process(
    COMMAND ${COMPILER} -std=c++20 -fsyntax-only ${include_flags} ${SOURCE}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
    message(FATAL_ERROR "${SOURCE} compiled, but it must not")
endif()
string(REGEX MATCH "${EXPECT}" found "${out}${err}")
if(NOT found)
    message(FATAL_ERROR "${SOURCE} failed to compile, but the diagnostic lacks the expected "
                        "text /${EXPECT}/. The compiler said:\n${err}")
endif()
message(STATUS "${SOURCE}: rejected with the expected diagnostic")
