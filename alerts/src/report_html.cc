// Self-contained HTML writer of the merged report (see report.h). The static parts (coverage,
// vendor bar chart, evidence) are rendered here with every string escaped; the paged host x
// vendor matrix and the contact timeline are drawn by a small inline script from JSON data
// embedded in the page (built with textContent/createElementNS only, never innerHTML).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include <vw/alerts/report.h>
#include <vw/alerts/summary.h>

namespace vw::alerts {
namespace {

using OJson = nlohmann::ordered_json;

/// "2025-03-11T08:30:00.000000Z" -> milliseconds since the epoch (0 when unparsable).
std::int64_t isoToMs(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6)
    return 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::int64_t ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  if (auto dot = s.find('.'); dot != std::string::npos) {
    int frac = 0, digits = 0;
    for (std::size_t i = dot + 1; i < s.size() && digits < 3 && s[i] >= '0' && s[i] <= '9';
         ++i, ++digits)
      frac = frac * 10 + (s[i] - '0');
    while (digits++ < 3)
      frac *= 10;
    ms += frac;
  }
  return ms;
}

std::string str(const OJson& o, const char* k) {
  auto it = o.find(k);
  if (it == o.end() || it->is_null())
    return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::uint64_t num(const OJson& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && (it->is_number_unsigned() ||
                           (it->is_number_integer() && it->get<std::int64_t>() >= 0))
             ? it->get<std::uint64_t>()
             : 0;
}

std::string pct(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? "0.0%"
                : fmt::format("{:.1f}%", 100.0 * static_cast<double>(a) / static_cast<double>(b));
}

/// At most `n` bytes of `s`, cut at a UTF-8 character boundary, with "..." when shortened.
std::string shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n)
    return s;
  std::size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut;
  return s.substr(0, cut) + "...";
}

constexpr const char* kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;font-size:13px;color:#c5cad3}
main{padding:12px 24px;max-width:1500px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #e6e8ec;padding:3px 8px;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#6b7280;font-size:12px}
.controls{display:flex;gap:8px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.controls input{padding:4px 6px;width:260px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #e6e8ec;border-radius:6px;padding:8px 12px;min-width:170px}
.card b{display:block;font-size:20px}
svg text{font-size:11px;font-family:inherit}
.ev{word-break:break-all}
)";

constexpr const char* kScript = R"JS(
(function(){
'use strict';
var data=JSON.parse(document.getElementById('vw-data').textContent);
var NS='http://www.w3.org/2000/svg';
var state={page:0,size:50,filter:''};
function el(tag,attrs,text){var e=document.createElementNS(NS,tag);for(var k in attrs){e.setAttribute(k,attrs[k]);}if(text!==undefined){e.textContent=text;}return e;}
function human(n){if(n<1024){return n+' B';}var u=['KiB','MiB','GiB','TiB'];var v=n/1024,i=0;while(v>=1024&&i<3){v/=1024;i++;}return v.toFixed(1)+' '+u[i];}
function iso(ms){return new Date(ms).toISOString().replace('.000Z','Z');}
var maxUp=1;data.hosts.forEach(function(h){h[1].forEach(function(c){if(c[1]>maxUp){maxUp=c[1];}});});
function filtered(){
  var f=state.filter.toLowerCase();
  if(!f){return data.hosts;}
  return data.hosts.filter(function(h){
    if(h[0].toLowerCase().indexOf(f)>=0){return true;}
    return h[1].some(function(c){var v=data.vendors[c[0]];return v[0].toLowerCase().indexOf(f)>=0||v[1].toLowerCase().indexOf(f)>=0;});
  });
}
function labelWidth(rows){var n=9;rows.forEach(function(h){if(h[0].length>n){n=h[0].length;}});return Math.min(300,Math.round(n*6.6)+16);}
function drawMatrix(rows){
  var box=document.getElementById('vw-matrix');box.textContent='';
  var cols=data.vendors.length,lw=labelWidth(rows),cw=96,rh=20,top=96;
  var svg=el('svg',{width:lw+cols*cw+10,height:top+rows.length*rh+10,role:'img','aria-label':'host by vendor matrix of bytes uploaded'});
  data.vendors.forEach(function(v,i){
    var t=el('text',{x:lw+i*cw+cw/2,y:top-8,'text-anchor':'start',transform:'rotate(-30 '+(lw+i*cw+cw/2)+' '+(top-8)+')'},v[1].length>22?v[1].slice(0,21)+'\u2026':v[1]);
    svg.appendChild(t);
  });
  rows.forEach(function(h,r){
    var y=top+r*rh;
    svg.appendChild(el('text',{x:4,y:y+14},h[0]));
    for(var i=0;i<cols;i++){svg.appendChild(el('rect',{x:lw+i*cw,y:y,width:cw-2,height:rh-2,fill:'#f1f3f6'}));}
    h[1].forEach(function(c){
      var a=c[1]>0?0.15+0.85*Math.log(1+c[1])/Math.log(1+maxUp):0.08;
      var g=el('g',{});
      var rect=el('rect',{x:lw+c[0]*cw,y:y,width:cw-2,height:rh-2,fill:'rgba(200,40,40,'+a.toFixed(3)+')'});
      rect.appendChild(el('title',{},h[0]+' \u2192 '+data.vendors[c[0]][1]+': '+human(c[1])+' uploaded, '+human(c[2])+' downloaded'));
      g.appendChild(rect);
      g.appendChild(el('text',{x:lw+c[0]*cw+cw/2,y:y+14,'text-anchor':'middle',fill:a>0.55?'#fff':'#1d2330'},human(c[1])));
      svg.appendChild(g);
    });
  });
  box.appendChild(svg);
}
function drawTimeline(rows){
  var box=document.getElementById('vw-timeline');box.textContent='';
  var t0=data.t0,t1=data.t1;if(t1<=t0){t1=t0+1;}
  var lw=labelWidth(rows),w=900,rh=16,top=24;
  var svg=el('svg',{width:lw+w+20,height:top+rows.length*rh+10,role:'img','aria-label':'timeline of first and last contact per host'});
  svg.appendChild(el('text',{x:lw,y:12},iso(data.t0)));
  svg.appendChild(el('text',{x:lw+w,y:12,'text-anchor':'end'},iso(data.t1)));
  function X(t){return lw+(t-t0)/(t1-t0)*w;}
  rows.forEach(function(h,r){
    var y=top+r*rh+8,a=Infinity,b=-Infinity;
    h[1].forEach(function(c){if(c[3]<a){a=c[3];}if(c[4]>b){b=c[4];}});
    svg.appendChild(el('text',{x:4,y:y+4},h[0]));
    svg.appendChild(el('line',{x1:lw,x2:lw+w,y1:y,y2:y,stroke:'#eceef2'}));
    var line=el('line',{x1:X(a),x2:Math.max(X(b),X(a)+2),y1:y,y2:y,stroke:'#c82828','stroke-width':6,'stroke-linecap':'round'});
    line.appendChild(el('title',{},h[0]+': first '+iso(a)+', last '+iso(b)));
    svg.appendChild(line);
  });
  box.appendChild(svg);
}
function render(){
  var rows=filtered();
  var pages=Math.max(1,Math.ceil(rows.length/state.size));
  if(state.page>=pages){state.page=pages-1;}
  var slice=rows.slice(state.page*state.size,(state.page+1)*state.size);
  document.getElementById('vw-page-info').textContent='Page '+(state.page+1)+' of '+pages+' ('+rows.length+' of '+data.hosts.length+' hosts)';
  document.getElementById('vw-prev').disabled=state.page===0;
  document.getElementById('vw-next').disabled=state.page>=pages-1;
  drawMatrix(slice);drawTimeline(slice);
}
// Deep links: report.html#q=FILTER&page=N (1-based) preselect the filter and the page.
(function(){var h=location.hash.replace(/^#/,'');if(!h){return;}h.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i<0){return;}var k=kv.slice(0,i),v=decodeURIComponent(kv.slice(i+1));if(k==='q'){state.filter=v;document.getElementById('vw-filter').value=v;}else if(k==='page'){state.page=Math.max(0,(parseInt(v,10)||1)-1);}});})();
document.getElementById('vw-filter').addEventListener('input',function(e){state.filter=e.target.value;state.page=0;render();});
document.getElementById('vw-prev').addEventListener('click',function(){if(state.page>0){state.page--;render();}});
document.getElementById('vw-next').addEventListener('click',function(){state.page++;render();});
document.getElementById('vw-size').addEventListener('change',function(e){state.size=parseInt(e.target.value,10)||50;state.page=0;render();});
render();
})();
)JS";

} // namespace

std::string htmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string reportHtml(const OJson& merged) {
  const OJson& meta = merged.at("vendorwatch");
  const OJson& cov = merged.at("coverage");
  // Vendors by bytes uploaded (desc), the column order of the matrix too.
  std::vector<const OJson*> vendors;
  for (const auto& v : merged.at("vendors"))
    vendors.push_back(&v);
  std::stable_sort(vendors.begin(), vendors.end(), [](const OJson* a, const OJson* b) {
    return num(*a, "bytes_to_vendor") > num(*b, "bytes_to_vendor");
  });
  std::map<std::string, std::size_t> col;
  OJson data;
  data["vendors"] = OJson::array();
  for (const OJson* v : vendors) {
    col[str(*v, "id")] = col.size();
    data["vendors"].push_back(OJson::array({str(*v, "id"), str(*v, "name")}));
  }
  std::int64_t t0 = 0, t1 = 0;
  data["hosts"] = OJson::array();
  // Evidence per vendor: (field, value) -> number of hosts, plus the indicator and source.
  struct Ev {
    std::size_t hosts = 0;
    std::string indicator, source;
  };
  std::map<std::string, std::map<std::pair<std::string, std::string>, Ev>> evidence;
  for (const auto& h : merged.at("hosts")) {
    OJson cells = OJson::array();
    for (const auto& v : h.at("vendors")) {
      const std::string id = str(v, "id");
      const auto a = isoToMs(str(v, "first_seen")), b = isoToMs(str(v, "last_seen"));
      if (a != 0 && (t0 == 0 || a < t0))
        t0 = a;
      if (b > t1)
        t1 = b;
      cells.push_back(OJson::array(
          {col[id], num(v, "bytes_to_vendor"), num(v, "bytes_from_vendor"), a, b != 0 ? b : a}));
      for (const auto& e : v.at("evidence")) {
        Ev& x = evidence[id][{str(e, "field"), str(e, "value")}];
        ++x.hosts;
        x.indicator = str(e, "indicator");
        x.source = str(e, "source");
      }
    }
    data["hosts"].push_back(OJson::array({str(h, "ip"), std::move(cells)}));
  }
  data["t0"] = t0;
  data["t1"] = t1;
  // JSON inside <script>: '<' only occurs in strings; escaping it prevents "</script>".
  std::string json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      safe += "\\u003c";
    else if (c == '>')
      safe += "\\u003e";
    else if (c == '&')
      safe += "\\u0026";
    else
      safe += c;
  }

  std::string sigs = str(meta, "signatures");
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
       "<title>vendorwatch report</title>\n<style>";
  o += kCss;
  o += "</style></head><body>\n<header><h1>vendorwatch report</h1><p>";
  o += fmt::format("{} host(s) talking to {} vendor(s) &middot; {} summary file(s), {} input(s), "
                   "{} packets{} &middot; vendorwatch {} &middot; signature set {}",
                   merged.at("hosts").size(), vendors.size(), num(meta, "merged_summaries"),
                   meta.contains("inputs") ? meta["inputs"].size() : 0, num(meta, "packets"),
                   str(meta, "first_packet").empty()
                       ? std::string()
                       : " &middot; period " + htmlEscape(str(meta, "first_packet")) + " &ndash; " +
                             htmlEscape(str(meta, "last_packet")),
                   htmlEscape(str(meta, "version")), htmlEscape(sigs));
  o += "</p></header>\n<main>\n";

  // Coverage.
  const auto flows = num(cov, "flows"), fa = num(cov, "flows_attributed");
  const auto bytes = num(cov, "bytes"), ba = num(cov, "bytes_attributed");
  const auto tls = num(cov, "tls_flows"), tn = num(cov, "tls_flows_without_sni");
  o += "<section id=\"coverage\"><h2>Coverage</h2><div class=\"cards\">";
  o += fmt::format("<div class=\"card\"><b>{}</b>flows attributed ({} of {})</div>", pct(fa, flows),
                   fa, flows);
  o += fmt::format("<div class=\"card\"><b>{}</b>bytes attributed ({} of {})</div>", pct(ba, bytes),
                   humanBytes(ba), humanBytes(bytes));
  o += fmt::format("<div class=\"card\"><b>{}</b>TLS flows without SNI ({} of {})</div>",
                   pct(tn, tls), tn, tls);
  o += fmt::format("<div class=\"card\"><b>{}</b>attributions via DNS cache</div>",
                   num(cov, "dns_cache_attributions"));
  o += "</div>";
  {
    const double share = bytes == 0 ? 0.0 : static_cast<double>(ba) / static_cast<double>(bytes);
    o += fmt::format("<svg width=\"600\" height=\"34\" role=\"img\" aria-label=\"share of bytes "
                     "attributed\"><rect x=\"0\" y=\"8\" width=\"600\" height=\"16\" "
                     "fill=\"#e6e8ec\"/><rect x=\"0\" y=\"8\" width=\"{:.1f}\" height=\"16\" "
                     "fill=\"#c82828\"/><text x=\"4\" y=\"20\" fill=\"#fff\">{}</text></svg>",
                     600.0 * share, pct(ba, bytes));
  }
  o += "<p class=\"muted\">Attributed: flows matched to a listed vendor. Traffic that could not "
       "be attributed (e.g. TLS without SNI, no DNS seen) is not evidence of absence.</p>";
  o += "</section>\n";

  // Bytes uploaded per vendor.
  o += "<section id=\"vendors\"><h2>Bytes uploaded per vendor</h2>";
  if (vendors.empty()) {
    o += "<p>No host talked to a listed vendor.</p>";
  } else {
    const std::uint64_t maxUp =
        std::max<std::uint64_t>(1, num(*vendors.front(), "bytes_to_vendor"));
    const int lw = 200, bw = 600, rh = 24;
    o += fmt::format("<svg width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"bytes uploaded per "
                     "vendor\">",
                     lw + bw + 420, vendors.size() * rh + 8);
    std::size_t i = 0;
    for (const OJson* v : vendors) {
      const auto up = num(*v, "bytes_to_vendor");
      const double w = std::max(1.0, static_cast<double>(bw) * static_cast<double>(up) /
                                         static_cast<double>(maxUp));
      const auto y = i++ * rh + 4;
      o += fmt::format("<text x=\"0\" y=\"{}\">{}</text>", y + 15,
                       htmlEscape(shorten(str(*v, "name"), 28)));
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#c82828\">"
                       "<title>{}: {} uploaded, {} downloaded</title></rect>",
                       lw, y, w, rh - 6, htmlEscape(str(*v, "name")), humanBytes(up),
                       humanBytes(num(*v, "bytes_from_vendor")));
      o += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{} &middot; {} host(s), {} flow(s), {} "
                       "[{}]</text>",
                       lw + w + 6, y + 15, humanBytes(up), num(*v, "hosts"), num(*v, "flows"),
                       num(*v, "dns_lookups") == 0 ? std::string("no DNS")
                                                   : fmt::format("{} DNS", num(*v, "dns_lookups")),
                       htmlEscape(str(*v, "status")));
    }
    o += "</svg>";
  }
  o += "</section>\n";

  // Hosts: paged matrix and timeline (drawn by the script).
  o += "<section id=\"hosts\"><h2>Hosts &times; vendors (bytes uploaded)</h2>"
       "<div class=\"controls\"><input id=\"vw-filter\" type=\"search\" placeholder=\"Filter by "
       "host or vendor\" aria-label=\"filter\"><button id=\"vw-prev\">&larr; Prev</button>"
       "<span id=\"vw-page-info\"></span><button id=\"vw-next\">Next &rarr;</button>"
       "<label>per page <select id=\"vw-size\"><option>25</option><option selected>50</option>"
       "<option>100</option><option>250</option></select></label></div>"
       "<div id=\"vw-matrix\"></div>"
       "<h2>First and last contact per host</h2><div id=\"vw-timeline\"></div>"
       "<noscript><p>The host matrix and timeline need JavaScript; the CSV export has the same "
       "data.</p></noscript></section>\n";

  // Top evidence per vendor.
  o += "<section id=\"evidence\"><h2>Top evidence per vendor</h2>";
  for (const OJson* v : vendors) {
    const auto it = evidence.find(str(*v, "id"));
    if (it == evidence.end())
      continue;
    std::vector<std::pair<const std::pair<std::string, std::string>*, const Ev*>> items;
    for (const auto& [k, e] : it->second)
      items.emplace_back(&k, &e);
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return a.second->hosts > b.second->hosts;
    });
    o += fmt::format("<h3>{} <span class=\"muted\">({})</span></h3><table><tr><th>field</th>"
                     "<th>value</th><th>indicator</th><th class=\"num\">hosts</th><th>source</th>"
                     "</tr>",
                     htmlEscape(str(*v, "name")), htmlEscape(str(*v, "id")));
    std::size_t n = 0;
    for (const auto& [k, e] : items) {
      if (++n > 10)
        break;
      o += fmt::format("<tr><td>{}</td><td class=\"ev\">{}</td><td class=\"ev\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"ev muted\">{}</td></tr>",
                       htmlEscape(k->first), htmlEscape(k->second), htmlEscape(e->indicator),
                       e->hosts, htmlEscape(e->source));
    }
    o += "</table>";
    if (items.size() > 10)
      o += fmt::format("<p class=\"muted\">{} more evidence item(s) in the JSON/CSV output.</p>",
                       items.size() - 10);
  }
  o += "</section>\n</main>\n<script id=\"vw-data\" type=\"application/json\">";
  o += safe;
  o += "</script>\n<script>";
  o += kScript;
  o += "</script>\n</body></html>\n";
  return o;
}

} // namespace vw::alerts
