# libFuzzer target for the signature loader + matcher (see tests/fuzz/CMakeLists.txt).
vw_add_fuzzer(signatures ${CMAKE_CURRENT_SOURCE_DIR}/signatures/fuzz_signatures.cc vw_signatures)
