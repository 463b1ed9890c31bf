add_library(vw_report
  src/eve_encode.cc
  src/summary.cc
)
add_library(vw::report ALIAS vw_report)
target_include_directories(vw_report PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(vw_report PUBLIC vw_classify vw_signatures vw_alerts nlohmann_json::nlohmann_json
                      PRIVATE vw_options fmt::fmt)
