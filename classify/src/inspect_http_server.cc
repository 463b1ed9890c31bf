// HTTP response heads (field `http.response_header`, server side: the responder runs the
// product). A head split over segments is reassembled up to kHttpMaxResponseHead bytes; the
// first few responses of a connection are looked at. See inspector.h.

#include <algorithm>

#include <vw/classify/proto/http.h>

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace {

constexpr std::uint8_t kMaxResponses = 4; ///< response heads looked at per connection
constexpr std::size_t kHeadMax = 16384;   ///< bytes buffered for a split head

class HttpResponseInspector final : public Inspector {
public:
  void onPayload(FlowEntry& f, OnPremState& st, const DecodedPacket& p, Dir d,
                 InspectorHost& host) override {
    if (p.l4_proto != ipproto::kTcp || d != kToClient || st.http_responses >= kMaxResponses)
      return;
    std::span<const std::uint8_t> head = p.payload;
    if (st.http_collecting) {
      if (!st.buf->append(p.tcp_seq, p.payload, kHeadMax)) {
        drop(st); // a gap: give this head up
        return;
      }
      head = st.buf->data;
    } else if (!looksLikeHttpResponse(p.payload)) {
      return;
    }
    const HttpParseStatus s = parseHttpResponseHead(head, info_);
    if (s == HttpParseStatus::NeedMore && head.size() < kHeadMax) {
      if (!st.http_collecting) {
        if (!st.buf)
          st.buf = std::make_unique<StreamBuf>();
        st.buf->reset();
        st.buf->append(p.tcp_seq, p.payload, kHeadMax);
        st.http_collecting = true;
      }
      return;
    }
    ++st.http_responses;
    if (s == HttpParseStatus::Ok) {
      const signatures::Matcher& m = host.matcherOf(f);
      for (const HttpHeader& h : info_.headers.view()) {
        const signatures::Match hit =
            m.matchHttpHeader(signatures::HttpDirection::kResponse, h.name, h.value);
        if (!hit)
          continue;
        // "Server: PanWeb Server/ -": the header as sent, bounded.
        text_.assign(h.name);
        text_ += ": ";
        text_.append(h.value.substr(0, std::min<std::size_t>(h.value.size(), 200)));
        host.serverSide(f, 1, Field::HttpResponseHeader, text_, hit, p.ts);
      }
    }
    drop(st);
  }

  bool wantsMore(const FlowEntry&, const OnPremState& st) const override {
    return st.http_collecting;
  }

private:
  static void drop(OnPremState& st) {
    st.http_collecting = false;
    if (st.buf) {
      st.buf->reset();
      st.buf->data.shrink_to_fit();
    }
  }
  HttpResponseInfo info_; ///< scratch (one per classifier)
  std::string text_;      ///< scratch, reused (capacity kept)
};

} // namespace

std::unique_ptr<Inspector> makeHttpResponseInspector() {
  return std::make_unique<HttpResponseInspector>();
}

} // namespace vw::classify
