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

# CPU-specific code generation is opt-in. KUCOIN_SIMD:
#   portable (default)  no CPU-specific flag: the binaries run on any x86-64 machine of the same OS
#   native              the build machine's level, read from /proc/cpuinfo: haswell or westmere flags
#                       (or none); the binaries may then not run on older CPUs
#   haswell | westmere  that level, whatever the build machine has
# The flags apply to kucoin::core, protocol and book (decoding, decimals, the book) and to the
# benchmarks. simdjson's On-Demand API (Debian's simdjson 3.0) has no runtime dispatch: it compiles
# for the kernel the flags guarantee, the scalar fallback without flags. The usual level2 frame
# never reaches it (the decoder's own scanner reads it); what the portable default costs is in
# bench/README.md.
set(KUCOIN_SIMD "portable" CACHE STRING "CPU-specific flags: portable (default), native, haswell, westmere")
set_property(CACHE KUCOIN_SIMD PROPERTY STRINGS portable native haswell westmere)
if(KUCOIN_SIMD STREQUAL "auto")
  # The former default (it read the build machine's CPU). A build directory configured before
  # keeps it in its cache: move it to the new default, and say how to get the old behaviour.
  message(WARNING "KUCOIN_SIMD=auto (the former default, which read this machine's CPU) is now 'portable'; "
                  "configure with -DKUCOIN_SIMD=native to build for this machine's CPU")
  set_property(CACHE KUCOIN_SIMD PROPERTY VALUE portable)
elseif(KUCOIN_SIMD STREQUAL "none")
  set_property(CACHE KUCOIN_SIMD PROPERTY VALUE portable)
endif()
set(_kucoin_simd "${KUCOIN_SIMD}")
if(NOT _kucoin_simd MATCHES "^(portable|native|haswell|westmere)$")
  message(FATAL_ERROR "KUCOIN_SIMD=${KUCOIN_SIMD}: expected portable, native, haswell or westmere")
endif()
if(_kucoin_simd STREQUAL "native")
  set(_kucoin_simd "portable")
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
message(STATUS "kucoin: KUCOIN_SIMD=${KUCOIN_SIMD}: ${_kucoin_simd} (${KUCOIN_SIMD_FLAGS})")
