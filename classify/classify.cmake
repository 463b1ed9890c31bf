# vw_classify: flows, facts, attribution, ledger. Defines the DpiEngine seam.
# libsodium: SipHash-2-4 (crypto_shorthash) for the keyed hash of attacker-keyed tables.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

add_library(vw_classify
  src/alert_dedup.cc
  src/alerting.cc
  src/inspect_dns.cc
  src/facts.cc
  src/keyed_hash.cc
  src/flow_table.cc
  src/classifier.cc
  src/attribution.cc
  src/ledger.cc
  src/dns_cache.cc
  src/home_net.cc
  src/own_domains.cc
  src/shard.cc
  src/instances.cc
  src/inspect_banner.cc
  src/inspect_http_server.cc
  src/inspect_tls_server.cc
  src/inspect_syslog.cc
  src/inspect_dpi.cc
)
add_library(vw::classify ALIAS vw_classify)
target_include_directories(vw_classify PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(vw_classify PUBLIC vw_packet vw_proto vw_quic vw_signatures
                                   PRIVATE vw_options PkgConfig::SODIUM)
