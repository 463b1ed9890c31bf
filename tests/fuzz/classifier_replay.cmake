# Replays the classifier fuzz target's seeds (frame sequences made from pcaps/) and regression
# inputs in every ctest run (included from tests/CMakeLists.txt; label fuzz-regression).
vw_add_fuzz_replay(classifier ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/classifier_fuzz.cc
                   ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/classifier vw_classify vw_dpi_ndpi
                   vw_report vw_alerts vw_signatures vw_packet)
target_compile_definitions(vw_replay_classifier PRIVATE
  VW_FUZZ_SIGNATURES="${CMAKE_SOURCE_DIR}/signatures/vendors")
set_tests_properties(fuzz_replay_classifier PROPERTIES TIMEOUT 600)
# The seeds are not inert: the demo capture's seed drives flows all the way to vendor alerts.
add_test(NAME fuzz_classifier_seed_alerts
         COMMAND vw_replay_classifier ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/classifier/demo)
set_tests_properties(fuzz_classifier_seed_alerts PROPERTIES LABELS fuzz-regression
  ENVIRONMENT VW_FUZZ_STATS=1 PASS_REGULAR_EXPRESSION "alerts=[1-9]")
