# Replays the decoder's seed corpus and regression inputs as a ctest (included from
# tests/CMakeLists.txt).
vw_add_fuzz_replay(decode ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/decode_fuzz.cc
                   ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/decode vw_packet)
