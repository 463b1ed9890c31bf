# vw_signatures: the vendor signature database (TOML files in signatures/vendors), its strict
# loader and the immutable matcher. A leaf library: no dependency on the packet/classify layers.
add_library(vw_signatures
  src/signature_set.cc
  src/normalise.cc
  src/loader.cc
  src/matcher.cc
  src/export.cc)
target_include_directories(vw_signatures PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(vw_signatures PRIVATE vw_options PkgConfig::TOMLPP)
add_library(vw::signatures ALIAS vw_signatures)
