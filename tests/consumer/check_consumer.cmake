# Installs the build into a fresh prefix and builds and runs the consumer project (this directory)
# against it, as a user's project would:
#
#   cmake -DBUILD_DIR=<build> -DPREFIX=<prefix> -DCONSUMER_BUILD=<dir> -DGENERATOR=<gen>
#         -DCXX=<compiler> -DBUILD_TYPE=<config> [-DCXX_FLAGS=<flags>] [-DLAUNCHER=<ccache>]
#         -DPROJECT_SOURCE_DIR=<kucoin-harness> -P check_consumer.cmake
#
# It also checks that the installed package files name no path of the source or build tree. Both
# directories are removed when everything passed.
cmake_minimum_required(VERSION 3.25)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BUILD}")
# The libraries' components only (not the kucoin-harness tool: nothing here needs it).
foreach(component client mock)
  run("cmake --install --component ${component}"
      "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --component ${component})
endforeach()

file(GLOB_RECURSE package_files "${PREFIX}/*.cmake")
if(NOT package_files)
  message(FATAL_ERROR "no CMake package file under ${PREFIX}")
endif()
foreach(f IN LISTS package_files)
  file(READ "${f}" text)
  foreach(tree "${PROJECT_SOURCE_DIR}" "${BUILD_DIR}")
    string(FIND "${text}" "${tree}" at)
    if(at GREATER -1)
      message(FATAL_ERROR "${f} names ${tree}: the installed package is not relocatable")
    endif()
  endforeach()
endforeach()

set(configure "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${CONSUMER_BUILD}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
if(CXX_FLAGS)
  list(APPEND configure "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
endif()
if(LAUNCHER)
  list(APPEND configure "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
run("configuring the consumer" ${configure})
string(FIND "${last_output}" "kucoin_harness from ${PREFIX}/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the consumer did not find kucoin_harness in ${PREFIX}:\n${last_output}")
endif()
run("building the consumer" "${CMAKE_COMMAND}" --build "${CONSUMER_BUILD}")
foreach(program consumer_client consumer_mock)
  run("${program}" "${CONSUMER_BUILD}/${program}")
  message(STATUS "${last_output}")
endforeach()
# Passed: the copies go (a debug build's static libraries weigh hundreds of MB); a failure keeps
# them for a look.
file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BUILD}")
