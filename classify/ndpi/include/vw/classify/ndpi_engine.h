#pragma once
/// @file ndpi_engine.h
/// nDPI 4.2 implementation of DpiEngine. This header does not include nDPI headers; only
/// ndpi_engine.cc does.

#include <vw/classify/dpi_engine.h>

namespace vw::classify::ndpi {

/// Creates an engine with all protocols enabled. Returns nullptr (and sets `error`) if nDPI
/// cannot be initialised.
DpiEnginePtr makeNdpiEngine(std::string& error);

} // namespace vw::classify::ndpi
