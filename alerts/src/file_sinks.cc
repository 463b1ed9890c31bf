// stdout and EVE-file sinks: one JSON line per event.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include <vw/alerts/sinks.h>

namespace vw::alerts {

namespace {

// Writes `json` + '\n' to `f`; CR/LF inside the line (never produced by nlohmann::json::dump,
// but the sink does not rely on it) become spaces so one event stays one line.
bool writeLine(std::FILE* f, const std::string& json) {
  bool ok = true;
  std::size_t start = 0;
  while (start <= json.size()) {
    std::size_t nl = json.find_first_of("\r\n", start);
    const std::size_t end = nl == std::string::npos ? json.size() : nl;
    if (end > start && std::fwrite(json.data() + start, 1, end - start, f) != end - start)
      ok = false;
    if (nl == std::string::npos)
      break;
    if (std::fputc(' ', f) == EOF)
      ok = false;
    start = nl + 1;
  }
  if (std::fputc('\n', f) == EOF)
    ok = false;
  return ok;
}

class LineSink : public EventSink {
public:
  void write(const OutEvent& ev) override {
    std::lock_guard lk(mu_);
    if (!file_) {
      ++stats_.failed;
      return;
    }
    if (writeLine(file_, ev.json)) {
      ++stats_.sent;
    } else {
      ++stats_.failed;
      last_error_ = std::string("write failed: ") + std::strerror(errno);
    }
  }
  void sync() override { flush(0); }
  bool flush(int /*timeout_ms*/) override {
    std::lock_guard lk(mu_);
    if (!file_ || std::fflush(file_) != 0) {
      last_error_ = std::string("flush failed: ") + std::strerror(errno);
      return false;
    }
    return true;
  }
  SinkStats stats() const override {
    std::lock_guard lk(mu_);
    return stats_;
  }
  std::string lastError() const override {
    std::lock_guard lk(mu_);
    return last_error_;
  }

protected:
  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;
  SinkStats stats_;
  std::string last_error_;
};

class StdoutSink final : public LineSink {
public:
  StdoutSink() { file_ = stdout; }
  std::string name() const override { return "stdout"; }
};

class FileSink final : public LineSink {
public:
  explicit FileSink(std::string path) : path_(std::move(path)) {}
  ~FileSink() override {
    if (file_)
      std::fclose(file_);
  }
  bool open(std::string& err) {
    file_ = std::fopen(path_.c_str(), "ae"); // O_APPEND | O_CLOEXEC
    if (!file_) {
      err = "cannot open EVE file '" + path_ + "' for appending: " + std::strerror(errno);
      return false;
    }
    return true;
  }
  void reopen() override {
    std::lock_guard lk(mu_);
    std::FILE* f = std::fopen(path_.c_str(), "ae");
    if (!f) { // keep writing to the old file rather than losing events
      last_error_ = "cannot reopen '" + path_ + "': " + std::strerror(errno);
      return;
    }
    if (file_)
      std::fclose(file_);
    file_ = f;
  }
  std::string name() const override { return "eve:" + path_; }

private:
  std::string path_;
};

} // namespace

EventSinkPtr makeStdoutSink() {
  return std::make_unique<StdoutSink>();
}

EventSinkPtr makeFileSink(const std::string& path, std::string& err) {
  if (path.empty()) {
    err = "empty EVE file path";
    return nullptr;
  }
  auto sink = std::make_unique<FileSink>(path);
  if (!sink->open(err))
    return nullptr;
  return sink;
}

} // namespace vw::alerts
