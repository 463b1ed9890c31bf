# `vendorwatch report` (HTML rendered in headless Chromium) and `signatures export` (checked by
# parsers, ndpiReader and named-checkzone). Both skip (77) when their external tools are missing.
add_test(NAME e2e_report
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report_test.py $<TARGET_FILE:vendorwatch>
          ${VW_PCAPS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/report-work ${VW_SHARED_DIR})
add_test(NAME e2e_export
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/export_test.py $<TARGET_FILE:vendorwatch>
          ${VW_PCAPS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/export-work)
set_tests_properties(e2e_report e2e_export PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 600)
