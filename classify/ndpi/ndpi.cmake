# vw_dpi_ndpi: the only target that sees nDPI headers.
add_library(vw_dpi_ndpi ndpi/ndpi_engine.cc)
add_library(vw::dpi_ndpi ALIAS vw_dpi_ndpi)
target_include_directories(vw_dpi_ndpi PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/ndpi/include)
target_link_libraries(vw_dpi_ndpi PUBLIC vw_classify PRIVATE vw_options PkgConfig::NDPI)
# nDPI's headers are C and noisy under our warning set.
target_compile_options(vw_dpi_ndpi PRIVATE -Wno-pedantic -Wno-conversion -Wno-shadow)
