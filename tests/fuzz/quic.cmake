# libFuzzer target for the QUIC Initial assembler (see quic_fuzz.cc for the input format).
vw_add_fuzzer(quic ${CMAKE_CURRENT_SOURCE_DIR}/quic_fuzz.cc vw_quic OpenSSL::Crypto)
target_include_directories(vw_fuzz_quic PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/../unit/quic)
