# libFuzzer target for the stateful classifier (see classifier_fuzz.cc for the input format):
# frames with timestamps through decode, the flow table, nDPI, the parsers, attribution, the
# ledger and the encoders. Included from tests/fuzz/CMakeLists.txt with VW_BUILD_FUZZERS.
vw_add_fuzzer(classifier ${CMAKE_CURRENT_LIST_DIR}/classifier_fuzz.cc vw_classify vw_dpi_ndpi
              vw_report vw_alerts vw_signatures vw_packet)
target_compile_definitions(vw_fuzz_classifier PRIVATE
  VW_FUZZ_SIGNATURES="${CMAKE_SOURCE_DIR}/signatures/vendors")
