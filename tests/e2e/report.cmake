# `vendorwatch report` (HTML rendered in headless Chromium) and `signatures export` (checked by
# parsers, ndpiReader and named-checkzone). Both skip (77) when their external tools are missing.
add_test(NAME e2e_report
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report_test.py $<TARGET_FILE:vendorwatch>
          ${VW_PCAPS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/report-work ${VW_SHARED_DIR})
add_test(NAME e2e_export
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/export_test.py $<TARGET_FILE:vendorwatch>
          ${VW_PCAPS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/export-work)
set_tests_properties(e2e_report e2e_export PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 600)
# The ledger store (issue 14): two scans of different days into one store, statuses against
# the generator truth, nothing counted twice, the migration chart in headless Chromium, corrupt
# and foreign files refused (needs mergecap/editcap and chromium: a missing tool fails).
add_test(NAME e2e_report_store
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report_store_test.py
          $<TARGET_FILE:vendorwatch> ${VW_PCAPS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/report-store-work)
set_tests_properties(e2e_report_store PROPERTIES LABELS e2e TIMEOUT 600)
# `live --ledger` killed with SIGKILL and restarted on the same store (root: its own network
# namespaces vwstore-a/vwstore-b and veth vstoreA/vstoreB, tcpreplay). Skipped (77) when not
# root outside CI; in CI (CI=true or VW_CI) a missing privilege or tool fails.
add_test(NAME e2e_report_store_live
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report_store_live_test.py
          $<TARGET_FILE:vendorwatch> ${VW_PCAPS_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/report-store-live-work)
set_tests_properties(e2e_report_store_live PROPERTIES LABELS e2e SKIP_RETURN_CODE 77
                     TIMEOUT 300 RESOURCE_LOCK vwstore_netns)
