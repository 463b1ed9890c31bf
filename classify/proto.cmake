# vw_proto: application-protocol parsers (DNS, HTTP request/response heads, TLS ClientHello with
# JA3/JA4, TLS server flight with X.509 names, syslog/CEF/LEEF, banners and SSH lines).
# Pure functions over byte spans; no nDPI, no heap allocation on the packet path.
add_library(vw_proto
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/digest.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/dns.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/http.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/tls_client_hello.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/tls_server.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/syslog.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/proto/banner.cc
)
add_library(vw::proto ALIAS vw_proto)
target_include_directories(vw_proto PUBLIC ${CMAKE_CURRENT_LIST_DIR}/include)
target_link_libraries(vw_proto PUBLIC vw_packet PRIVATE vw_options OpenSSL::Crypto)
