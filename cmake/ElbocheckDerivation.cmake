# elbocheck_add_derivation(NAME SOURCES file.cpp...)
#
# Builds a user's derivation file against elbocheck. Compiling it *is* the symbolic check:
# a derivation claimed valid that has an unjustified step does not compile. The built
# program is registered with CTest so the run-time checks it performs fail the test suite.
function(elbocheck_add_derivation name)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES")
    if(NOT ARG_SOURCES)
        message(FATAL_ERROR "elbocheck_add_derivation(${name}): give the derivation's SOURCES")
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE elbocheck::elbocheck)
    if(TARGET elbocheck_project_flags)
        target_link_libraries(${name} PRIVATE elbocheck_project_flags)
    endif()
    add_test(NAME ${name} COMMAND ${name})
endfunction()
