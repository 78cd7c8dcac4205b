# cmake -DSOURCE_DIR=<elbocheck source> -DWORK_DIR=<scratch> -DGENERATOR=<generator>
#       -DCTEST=<ctest> -P run_consumer.cmake
#
# Installs elbocheck from a fresh configure of its sources into a scratch prefix, then
# configures, builds and tests the consumer project against that prefix only: what a user
# of the installed package would do.
foreach(var SOURCE_DIR WORK_DIR GENERATOR CTEST)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
    endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
    execute_process(COMMAND ${ARGV} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "failed: ${ARGV}\n${out}\n${err}")
    endif()
    message(STATUS "${out}")
endfunction()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/elbocheck -G ${GENERATOR}
    -DELBOCHECK_BUILD_TESTS=OFF -DELBOCHECK_BUILD_BENCH=OFF -DELBOCHECK_BUILD_TOOLS=OFF)
run(${CMAKE_COMMAND} --install ${WORK_DIR}/elbocheck --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/project -B ${WORK_DIR}/consumer
    -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${CTEST} --test-dir ${WORK_DIR}/consumer --output-on-failure)
