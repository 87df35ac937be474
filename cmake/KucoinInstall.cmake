# `cmake --install <build dir> [--prefix <dir>]`: headers, static libraries, the kucoin-harness tool
# and a CMake package, so that a project does
#
#   find_package(kucoin_harness 0.1 CONFIG REQUIRED)        # or COMPONENTS client: no yaml-cpp needed
#   target_link_libraries(app PRIVATE kucoin::client)       # or kucoin::mock
#
# Two export sets: "client" (kucoin::core, protocol, book, trading, net, client) and "mock" (kucoin::mock_core,
# kucoin::mock), so that a client-only user needs neither the mock nor yaml-cpp (design principle:
# the client needs only Boost, OpenSSL and simdjson). The package config finds the dependencies
# (cmake/kucoin_harnessConfig.cmake.in).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KUCOIN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/kucoin_harness" CACHE STRING
    "Where the CMake package files go (relative to the prefix)")

install(TARGETS kucoin_core kucoin_protocol kucoin_book kucoin_trading kucoin_net kucoin_client
        EXPORT kucoin_harness_client
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT client
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT client
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS kucoin_capture kucoin_mock_core kucoin_mock
        EXPORT kucoin_harness_mock
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT mock
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT mock
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET kucoin-harness)
  install(TARGETS kucoin-harness RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()

install(EXPORT kucoin_harness_client NAMESPACE kucoin:: FILE kucoin_harness-client-targets.cmake
        DESTINATION ${KUCOIN_INSTALL_CMAKEDIR} COMPONENT client)
install(EXPORT kucoin_harness_mock NAMESPACE kucoin:: FILE kucoin_harness-mock-targets.cmake
        DESTINATION ${KUCOIN_INSTALL_CMAKEDIR} COMPONENT mock)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kucoin_harnessConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/kucoin_harnessConfig.cmake
                              INSTALL_DESTINATION ${KUCOIN_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/kucoin_harnessConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/kucoin_harnessConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/kucoin_harnessConfigVersion.cmake
        DESTINATION ${KUCOIN_INSTALL_CMAKEDIR} COMPONENT client)
