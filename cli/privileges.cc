#include "privileges.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace vw::cli {

bool dropPrivileges(const std::string& user, std::string& err) {
  errno = 0;
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) {
    err = "-Z " + user + ": no such user" +
          (errno != 0 ? std::string(" (") + std::strerror(errno) + ")" : std::string());
    return false;
  }
  const uid_t uid = pw->pw_uid;
  const gid_t gid = pw->pw_gid;
  if (::geteuid() != 0) {
    if (::geteuid() == uid)
      return true; // already that user
    err = "-Z " + user + ": not running as root, cannot switch user";
    return false;
  }
  if (::initgroups(user.c_str(), gid) != 0) {
    err = "-Z " + user + ": initgroups: " + std::strerror(errno);
    return false;
  }
  if (::setgid(gid) != 0) {
    err = "-Z " + user + ": setgid: " + std::strerror(errno);
    return false;
  }
  if (::setuid(uid) != 0) {
    err = "-Z " + user + ": setuid: " + std::strerror(errno);
    return false;
  }
  if (::getuid() != uid || ::geteuid() != uid || ::getgid() != gid || ::getegid() != gid) {
    err = "-Z " + user + ": ids did not change as expected";
    return false;
  }
  if (uid != 0 && ::setuid(0) == 0) {
    err = "-Z " + user + ": root could be regained after the drop";
    return false;
  }
  return true;
}

} // namespace vw::cli
