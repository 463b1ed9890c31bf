# vw_reports: `vendorwatch report` (merge of --summary documents; HTML, CSV and JSON writers).
add_library(vw_reports
  src/report_merge.cc
  src/report_csv.cc
  src/report_html.cc
)
add_library(vw::reports ALIAS vw_reports)
target_include_directories(vw_reports PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(vw_reports PUBLIC vw_report nlohmann_json::nlohmann_json fmt::fmt
                      PRIVATE vw_options)
