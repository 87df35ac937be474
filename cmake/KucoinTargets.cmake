# kucoin_library(<target> <export name>
#                SOURCES <glob>...  HEADERS <glob>...  BASE_DIR <include dir>
#                [EXCLUDE_SOURCES <regex>] [EXCLUDE_HEADERS <regex>] [ONLY_HEADERS <regex>])
#   (the regexes match paths relative to the calling directory: "src/server/x.cpp")
#
# A static library of the project: sources and public headers come from recursive globs
# (CONFIGURE_DEPENDS: a file added in a subdirectory, e.g. src/net/detail/, is picked up by the
# next build), the headers form the target's HEADERS file set (installed under include/, their
# BASE_DIR is the include directory at build time), the alias is kucoin::<export name> and so is
# the name of the installed target. Warnings of the project; C++20 for the target and its users.
function(kucoin_library target export_name)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "BASE_DIR;EXCLUDE_SOURCES;EXCLUDE_HEADERS;ONLY_HEADERS" "SOURCES;HEADERS")
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${ARG_SOURCES})
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${ARG_HEADERS})
  _kucoin_filter(sources EXCLUDE "${ARG_EXCLUDE_SOURCES}")
  _kucoin_filter(headers EXCLUDE "${ARG_EXCLUDE_HEADERS}")
  _kucoin_filter(headers INCLUDE "${ARG_ONLY_HEADERS}")
  if(NOT sources)
    message(FATAL_ERROR "kucoin_library(${target}): no source matches ${ARG_SOURCES}")
  endif()
  add_library(${target} STATIC ${sources})
  add_library(kucoin::${export_name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  target_sources(${target} PUBLIC FILE_SET HEADERS BASE_DIRS ${ARG_BASE_DIR} FILES ${headers})
  target_compile_features(${target} PUBLIC cxx_std_20)
  kucoin_add_warnings(${target})
endfunction()

function(_kucoin_filter list_var mode regex)
  if(regex STREQUAL "")
    return()
  endif()
  set(kept "")
  foreach(f IN LISTS ${list_var})
    file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${f}")
    if(rel MATCHES "${regex}")
      set(match TRUE)
    else()
      set(match FALSE)
    endif()
    if((mode STREQUAL "INCLUDE" AND match) OR (mode STREQUAL "EXCLUDE" AND NOT match))
      list(APPEND kept "${f}")
    endif()
  endforeach()
  set(${list_var} "${kept}" PARENT_SCOPE)
endfunction()
