# All third-party dependencies come from Debian packages (scripts/setup.sh installs them).
# Nothing is downloaded at configure time.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(simdjson 3 REQUIRED)
find_package(Boost 1.81 REQUIRED)            # header-only parts: Asio, Beast
find_package(yaml-cpp 0.7 REQUIRED)
find_package(zstd 1.5 REQUIRED)             # capture files ending in .zst (libzstd-dev)
if(KUCOIN_BUILD_TESTS)
  find_package(GTest 1.12 REQUIRED)
endif()
if(KUCOIN_BUILD_BENCH)
  find_package(benchmark 1.7 REQUIRED)
endif()

# Boost headers trigger warnings under our strict set: treat them as system headers.
if(TARGET Boost::headers)
  set_target_properties(Boost::headers PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
    "$<TARGET_PROPERTY:Boost::headers,INTERFACE_INCLUDE_DIRECTORIES>")
endif()
if(KUCOIN_BUILD_APPS)
  find_package(CLI11 2 REQUIRED)
endif()
