# Replays the QUIC fuzz corpus (and past crashers) through the fuzz target in every ctest run.
vw_add_fuzz_replay(quic ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/quic_fuzz.cc
                   ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/quic vw_quic OpenSSL::Crypto)
target_include_directories(vw_replay_quic PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit/quic)
