# cmake --install into a scratch prefix: layout, systemd unit, signature-directory order
# (issue 13.7).
add_test(NAME e2e_install
  COMMAND ${Python3_EXECUTABLE} ${_e2e}/install_test.py ${_vw} ${CMAKE_BINARY_DIR} ${VW_PCAPS_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/install-work)
set_tests_properties(e2e_install PROPERTIES LABELS e2e TIMEOUT 600)
