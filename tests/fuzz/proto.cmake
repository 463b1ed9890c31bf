# libFuzzer targets of vw_proto (included from tests/fuzz/CMakeLists.txt with VW_BUILD_FUZZERS).
vw_add_fuzzer(dns ${CMAKE_CURRENT_LIST_DIR}/dns_fuzz.cc vw_proto)
vw_add_fuzzer(tls ${CMAKE_CURRENT_LIST_DIR}/tls_fuzz.cc vw_proto)
vw_add_fuzzer(http ${CMAKE_CURRENT_LIST_DIR}/http_fuzz.cc vw_proto)
vw_add_fuzzer(tls_server ${CMAKE_CURRENT_LIST_DIR}/tls_server_fuzz.cc vw_proto)
vw_add_fuzzer(syslog ${CMAKE_CURRENT_LIST_DIR}/syslog_fuzz.cc vw_proto)
vw_add_fuzzer(banner ${CMAKE_CURRENT_LIST_DIR}/banner_fuzz.cc vw_proto)
vw_add_fuzzer(http_response ${CMAKE_CURRENT_LIST_DIR}/http_response_fuzz.cc vw_proto)
