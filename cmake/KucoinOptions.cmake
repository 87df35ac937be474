# Compiler options shared by every target of the project.
option(KUCOIN_WERROR "Treat warnings as errors" OFF)
option(KUCOIN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(KUCOIN_CCACHE "Use ccache when it is installed" ON)

if(KUCOIN_CCACHE)
  find_program(KUCOIN_CCACHE_PROGRAM ccache)
  if(KUCOIN_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${KUCOIN_CCACHE_PROGRAM}")
  endif()
endif()

add_library(kucoin_warnings INTERFACE)
target_compile_options(kucoin_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(KUCOIN_WERROR)
  target_compile_options(kucoin_warnings INTERFACE -Werror)
endif()

if(KUCOIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# kucoin_add_warnings(<target>): the project's warning set on a target of ours (build tree only:
# installed targets do not carry it).
function(kucoin_add_warnings target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:kucoin_warnings>)
endfunction()

# simdjson's On-Demand API uses the best kernel the *compiler flags* allow (no runtime dispatch):
# without them it falls back to scalar code. KUCOIN_SIMD picks the flags for the translation
# units that parse JSON: auto (what this build machine's CPU has), haswell, westmere or none.
set(KUCOIN_SIMD "auto" CACHE STRING "SIMD level for JSON parsing: auto, haswell, westmere, none")
set_property(CACHE KUCOIN_SIMD PROPERTY STRINGS auto haswell westmere none)
set(_kucoin_simd "${KUCOIN_SIMD}")
if(_kucoin_simd STREQUAL "auto")
  set(_kucoin_simd "none")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND EXISTS /proc/cpuinfo)
    file(STRINGS /proc/cpuinfo _kucoin_flags REGEX "^flags" LIMIT_COUNT 1)
    if(_kucoin_flags MATCHES " avx2" AND _kucoin_flags MATCHES " bmi1" AND _kucoin_flags MATCHES " bmi2"
       AND _kucoin_flags MATCHES " pclmulqdq" AND _kucoin_flags MATCHES " abm")
      set(_kucoin_simd "haswell")
    elseif(_kucoin_flags MATCHES " sse4_2" AND _kucoin_flags MATCHES " pclmulqdq")
      set(_kucoin_simd "westmere")
    endif()
  endif()
endif()
if(_kucoin_simd STREQUAL "haswell")
  set(KUCOIN_SIMD_FLAGS -mavx2 -mbmi -mbmi2 -mlzcnt -mpclmul -mpopcnt)
elseif(_kucoin_simd STREQUAL "westmere")
  set(KUCOIN_SIMD_FLAGS -msse4.2 -mpclmul -mpopcnt)
else()
  set(KUCOIN_SIMD_FLAGS "")
endif()
message(STATUS "kucoin: JSON parsing SIMD level: ${_kucoin_simd}")
