# vw_alerts: the SOC delivery layer. Event model (event.h), RFC 5424 / CEF encoders, and the
# sinks (stdout, EVE file, syslog over UDP/TCP/TLS). Boost.Asio and OpenSSL stay private.
add_library(vw_alerts
  src/encode.cc
  src/text.cc
  src/file_sinks.cc
  src/syslog_url.cc
  src/syslog_factory.cc
  src/syslog_udp_sink.cc
  src/syslog_stream_sink.cc
  src/tcp_probe.cc
)
add_library(vw::alerts ALIAS vw_alerts)
target_include_directories(vw_alerts PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_compile_definitions(vw_alerts PRIVATE VW_ALERTS_VERSION="${PROJECT_VERSION}")
target_link_libraries(vw_alerts
  PUBLIC nlohmann_json::nlohmann_json fmt::fmt
  PRIVATE vw_options Boost::system OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
