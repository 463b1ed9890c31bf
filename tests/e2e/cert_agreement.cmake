# Certificate names of parseTlsServerFlight vs tshark's x509 dissection, over every TLS
# certificate of the nDPI corpus and of the parser's own captured fixtures
# (tests/unit/proto/data). vw_tls_server_dump is a test tool that drives the parser; it is not
# part of vendorwatch.
add_executable(vw_tls_server_dump ${CMAKE_SOURCE_DIR}/tests/tools/tls_server_dump.cc)
target_link_libraries(vw_tls_server_dump PRIVATE vw_proto vw_options)
add_test(NAME e2e_cert_agreement
  COMMAND ${Python3_EXECUTABLE} ${_e2e}/cert_agreement.py $<TARGET_FILE:vw_tls_server_dump>
          --min-rate 99 --report ${CMAKE_CURRENT_BINARY_DIR}/cert-agreement.txt
          ${VW_SHARED_DIR}/pcaps/ndpi ${CMAKE_SOURCE_DIR}/tests/unit/proto/data)
set_tests_properties(e2e_cert_agreement PROPERTIES LABELS e2e TIMEOUT 1800)
