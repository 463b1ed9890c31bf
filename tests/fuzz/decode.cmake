# libFuzzer target for the packet decoder (included from tests/fuzz/CMakeLists.txt). The
# libraries under test get coverage instrumentation from vw_options (-fsanitize=fuzzer-no-link)
# in a VW_BUILD_FUZZERS build.
vw_add_fuzzer(decode ${CMAKE_CURRENT_LIST_DIR}/decode_fuzz.cc vw_packet)
