# `vendorwatch live` integration test (issue 6): root only, creates its own network namespace
# pair and veth (vwtest-a/vwtest-b, 198.18.0.0/30) and replays pcaps/ captures with tcpreplay.
# Skipped (77) when not root or when ip/tcpreplay are missing. The lock keeps two runs from
# fighting over the namespace names.
add_test(NAME e2e_live
  COMMAND ${Python3_EXECUTABLE} ${_e2e}/live_test.py ${_vw} ${VW_PCAPS_DIR}
          ${CMAKE_SOURCE_DIR}/signatures/vendors ${CMAKE_CURRENT_BINARY_DIR}/live-work)
set_tests_properties(e2e_live PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 600
                     RESOURCE_LOCK vwtest_netns)
# The configuration/usage checks of `live` need no privileges and run everywhere.
add_test(NAME e2e_live_usage
  COMMAND ${Python3_EXECUTABLE} ${_e2e}/live_test.py ${_vw} ${VW_PCAPS_DIR}
          ${CMAKE_SOURCE_DIR}/signatures/vendors ${CMAKE_CURRENT_BINARY_DIR}/live-usage-work
          --unprivileged)
set_tests_properties(e2e_live_usage PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)
