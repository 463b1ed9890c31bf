# Replays the signature fuzz corpus in every ctest run (label fuzz-regression).
vw_add_fuzz_replay(signatures ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/signatures/fuzz_signatures.cc
                   ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/signatures/corpus vw_signatures)
