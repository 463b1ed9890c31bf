# libFuzzer target for the packet decoder (included from tests/fuzz/CMakeLists.txt).
vw_add_fuzzer(decode ${CMAKE_CURRENT_LIST_DIR}/decode_fuzz.cc vw_packet)
# libFuzzer steers by coverage, so the code under test needs the coverage instrumentation too,
# not only the harness (vw_add_fuzzer adds -fsanitize=fuzzer to the harness alone). In a
# fuzzing build this instruments vw_packet for every target; the sanitizer runtime supplies
# the coverage callbacks to the targets that do not link libFuzzer.
target_compile_options(vw_packet PRIVATE -fsanitize=fuzzer-no-link)
