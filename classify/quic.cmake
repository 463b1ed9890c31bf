# vw_quic: QUIC Initial packet decryption and ClientHello reassembly (QuicInitialAssembler).
# Needs OpenSSL 3 (HKDF via EVP_KDF, AES-128-ECB/GCM via EVP_CIPHER); hands the reassembled
# CRYPTO stream to vw_proto's parseClientHello().
add_library(vw_quic
  src/quic/quic_crypto.cc
  src/quic/quic_initial.cc
)
add_library(vw::quic ALIAS vw_quic)
target_include_directories(vw_quic PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(vw_quic PUBLIC vw_packet vw_proto PRIVATE vw_options OpenSSL::Crypto)
