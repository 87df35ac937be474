# Checks that a pure target reaches no Asio, Beast or OpenSSL header and links no Asio/Beast.
#
#   cmake -DNAME=<target> -DCXX=<compiler> -DSOURCE_DIR=<project dir>
#         -DINCLUDES=<dir|dir...> -DDEFINES=<def|def...> -DSOURCES=<file|...> -DHEADERS=<file|...>
#         -DOPENSSL_ALLOWED_IN=<regex> -DLINK_CHAINS=<chain|chain...> [-DEXPECT_FAILURE=<regex>]
#         -P check_pure.cmake
#
# Every source and every public header is preprocessed on its own with the target's include
# directories and definitions (`-E -H`: the compiler prints the whole include tree), so an
# offending header is reported with the chain that reaches it:
#   client/include/kucoin/book/x.hpp -> client/include/kucoin/core/y.hpp -> /usr/include/boost/asio/io_context.hpp
# Sources matching OPENSSL_ALLOWED_IN may include OpenSSL (a private implementation detail, e.g.
# protocol/sign.cpp); public headers never may. LINK_CHAINS are the target's link dependencies,
# each "a -> b -> c" (computed at configure time): none may end in Boost:: or OpenSSL::SSL.
# With EXPECT_FAILURE (a regex) the check must find something and its report must match: that is
# how the test suite proves, on a deliberately bad fixture, that this check can fail.
cmake_minimum_required(VERSION 3.25)

set(forbidden_header "/boost/(asio|beast)(/|\\.hpp$)|/openssl/")
set(openssl_header "/openssl/")
set(forbidden_link "^(Boost::.*|OpenSSL::SSL)$")

foreach(var INCLUDES DEFINES SOURCES HEADERS LINK_CHAINS)
  string(REPLACE "|" ";" ${var} "${${var}}")
endforeach()
set(flags -std=c++20)
foreach(dir IN LISTS INCLUDES)
  if(dir)
    list(APPEND flags "-I${dir}")
  endif()
endforeach()
foreach(def IN LISTS DEFINES)
  if(def)
    list(APPEND flags "-D${def}")
  endif()
endforeach()

function(shorten path out_var)
  if(SOURCE_DIR AND path MATCHES "^${SOURCE_DIR}/")
    file(RELATIVE_PATH path "${SOURCE_DIR}" "${path}")
  endif()
  set(${out_var} "${path}" PARENT_SCOPE)
endfunction()

# Appends to `report` one line per chain from `file` to a forbidden header (the first one on each
# branch: what that header includes in turn is not listed).
function(scan file allow_openssl)
  execute_process(COMMAND "${CXX}" ${flags} -E -H -x c++ "${file}" -o /dev/null
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE tree)
  shorten("${file}" top)
  if(NOT rc EQUAL 0)
    set(report "${report}  ${top}: does not preprocess on its own:\n${tree}\n" PARENT_SCOPE)
    return()
  endif()
  if(NOT tree MATCHES "${forbidden_header}")
    return()
  endif()
  string(REPLACE "\n" ";" lines "${tree}")
  set(stack "")
  set(skip_below 0)   # > 0: inside a reported header, skip what it includes
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^(\\.+) (.+)$")
      continue()
    endif()
    string(LENGTH "${CMAKE_MATCH_1}" depth)
    set(path "${CMAKE_MATCH_2}")
    if(skip_below GREATER 0 AND depth GREATER skip_below)
      continue()
    endif()
    set(skip_below 0)
    math(EXPR keep "${depth} - 1")
    list(SUBLIST stack 0 ${keep} stack)
    list(APPEND stack "${path}")
    if(path MATCHES "${forbidden_header}")
      if(allow_openssl AND path MATCHES "${openssl_header}")
        set(skip_below ${depth})
        continue()
      endif()
      set(chain "${top}")
      foreach(p IN LISTS stack)
        shorten("${p}" p)
        string(APPEND chain " -> ${p}")
      endforeach()
      string(APPEND report "  ${chain}\n")
      set(skip_below ${depth})
    endif()
  endforeach()
  set(report "${report}" PARENT_SCOPE)
endfunction()

set(report "")
set(count 0)
foreach(h IN LISTS HEADERS)
  if(h)
    scan("${h}" FALSE)
    math(EXPR count "${count} + 1")
  endif()
endforeach()
foreach(s IN LISTS SOURCES)
  if(s MATCHES "\\.(cpp|cc|cxx)$")
    set(allow FALSE)
    if(OPENSSL_ALLOWED_IN AND s MATCHES "${OPENSSL_ALLOWED_IN}")
      set(allow TRUE)
    endif()
    scan("${s}" ${allow})
    math(EXPR count "${count} + 1")
  endif()
endforeach()
foreach(chain IN LISTS LINK_CHAINS)
  string(REGEX REPLACE ".* -> " "" last "${chain}")
  if(last MATCHES "${forbidden_link}")
    string(APPEND report "  links ${chain}\n")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${NAME}: no header or source to check (wrong arguments?)")
endif()

if(DEFINED EXPECT_FAILURE)
  if(report STREQUAL "")
    message(FATAL_ERROR "${NAME}: the check found nothing in a deliberately impure fixture: it cannot fail")
  endif()
  if(NOT report MATCHES "${EXPECT_FAILURE}")
    message(FATAL_ERROR "${NAME}: the check failed, but its report does not match '${EXPECT_FAILURE}':\n${report}")
  endif()
  message(STATUS "${NAME}: the check fails as it should on the impure fixture:\n${report}")
  return()
endif()
if(NOT report STREQUAL "")
  message(FATAL_ERROR "${NAME} is pure (no Asio, Beast or OpenSSL headers from its sources and public "
                      "headers, no Asio/Beast link), but:\n${report}")
endif()
list(LENGTH LINK_CHAINS nlinks)
list(JOIN LINK_CHAINS "\n  " links)
message(STATUS "${NAME}: ${count} files reach no Asio, Beast or OpenSSL header; ${nlinks} link dependencies, "
               "none on Asio/Beast:\n  ${links}")
