# Corpus replay of the vw_proto fuzz targets (included from tests/CMakeLists.txt): the seed
# corpora and any regression inputs run as ordinary ctest tests.
vw_add_fuzz_replay(dns ${CMAKE_CURRENT_LIST_DIR}/dns_fuzz.cc ${CMAKE_CURRENT_LIST_DIR}/corpus/dns
                   vw_proto)
vw_add_fuzz_replay(tls ${CMAKE_CURRENT_LIST_DIR}/tls_fuzz.cc ${CMAKE_CURRENT_LIST_DIR}/corpus/tls
                   vw_proto)
vw_add_fuzz_replay(http ${CMAKE_CURRENT_LIST_DIR}/http_fuzz.cc
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/http vw_proto)
vw_add_fuzz_replay(tls_server ${CMAKE_CURRENT_LIST_DIR}/tls_server_fuzz.cc
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/tls_server vw_proto)
vw_add_fuzz_replay(syslog ${CMAKE_CURRENT_LIST_DIR}/syslog_fuzz.cc
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/syslog vw_proto)
vw_add_fuzz_replay(banner ${CMAKE_CURRENT_LIST_DIR}/banner_fuzz.cc
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/banner vw_proto)
vw_add_fuzz_replay(http_response ${CMAKE_CURRENT_LIST_DIR}/http_response_fuzz.cc
                   ${CMAKE_CURRENT_LIST_DIR}/corpus/http_response vw_proto)
