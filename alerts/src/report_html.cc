// Self-contained HTML writer of the merged report (see report.h). The static parts (coverage,
// vendor bar chart, evidence) are rendered here with every string escaped; the paged host x
// vendor matrix and the contact timeline are drawn by a small inline script from JSON data
// embedded in the page (built with textContent/createElementNS only, never innerHTML).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include <vw/alerts/escape.h>
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

constexpr std::size_t kTableRows = 1000; ///< rows per static table; the CSV/JSON have all

const char* const kPalette[] = {"#c82828", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939",
                                "#8c6d31", "#843c39", "#7b4173", "#3182bd"};

std::string cell(const std::string& s) {
  return "<td>" + htmlEscape(s) + "</td>";
}
std::string numCell(std::uint64_t n) {
  return fmt::format("<td class=\"num\">{}</td>", n);
}

std::string sub(const OJson& o, const char* obj, const char* k) {
  auto it = o.find(obj);
  if (it == o.end())
    return "";
  if (it->is_string())
    return std::string(k) == "id" || std::string(k) == "name" ? it->get<std::string>() : "";
  return it->is_object() ? str(*it, k) : "";
}

std::string evidenceText(const OJson& o, std::size_t max_items) {
  std::string s;
  std::size_t n = 0;
  if (auto ev = o.find("evidence"); ev != o.end() && ev->is_array())
    for (const auto& e : *ev) {
      if (n++ == max_items) {
        s += fmt::format(" (+{})", ev->size() - max_items);
        break;
      }
      s += (s.empty() ? "" : "; ") + str(e, "field") + "=" + shorten(str(e, "value"), 80);
    }
  return s;
}

std::string moreRows(std::size_t total) {
  return total > kTableRows
             ? fmt::format("<p class=\"muted\">{} more row(s) in the CSV/JSON output.</p>",
                           total - kTableRows)
             : std::string();
}

/// The migration chart: hosts in contact per day, one line per vendor x role (instances
/// dashed), the deadline as a vertical line. Static inline SVG; every label escaped.
std::string migrationChart(const OJson& mig) {
  const OJson& series = mig.at("series");
  std::int64_t d0 = 0, d1 = 0;
  std::uint64_t ymax = 1;
  bool any = false;
  for (const auto& s : series)
    for (const auto& p : s.at("points")) {
      std::int64_t t = 0;
      if (!parseTime(p.at(0).get<std::string>(), t))
        continue;
      const std::int64_t d = dayNumber(t);
      if (!any || d < d0)
        d0 = d;
      if (!any || d > d1)
        d1 = d;
      any = true;
      ymax = std::max<std::uint64_t>(ymax, p.at(1).get<std::uint64_t>());
    }
  if (!any)
    return "<p>No contact days to chart.</p>";
  std::int64_t deadline = 0;
  const bool has_deadline = mig.contains("deadline") && mig["deadline"].is_string() &&
                            parseTime(mig["deadline"].get<std::string>(), deadline);
  if (has_deadline) {
    d0 = std::min(d0, dayNumber(deadline));
    d1 = std::max(d1, dayNumber(deadline));
  }
  // A round y scale: steps of 1, 2 or 5 x 10^k, about 5 gridlines.
  std::uint64_t step = 1;
  for (std::uint64_t mag = 1; step * 5 < ymax; mag *= 10)
    for (std::uint64_t m : {1u, 2u, 5u})
      if (step * 5 < ymax)
        step = m * mag;
  const std::uint64_t ytop = std::max<std::uint64_t>(step * 5, ymax);
  const double L = 56, T = 16, W = 820, H = 260, legend = 260;
  const double span = static_cast<double>(std::max<std::int64_t>(1, d1 - d0));
  auto X = [&](std::int64_t d) {
    return d1 == d0 ? L + W / 2 : L + W * static_cast<double>(d - d0) / span;
  };
  auto Y = [&](std::uint64_t n) {
    return T + H - H * static_cast<double>(n) / static_cast<double>(ytop);
  };
  std::string o = fmt::format(
      "<svg id=\"vw-migration-chart\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"hosts in contact per vendor per day\">",
      L + W + legend,
      T + H + 40 + (series.size() > 14 ? static_cast<double>(series.size() - 14) * 18 : 0.0));
  for (std::uint64_t g = 0; g <= ytop; g += step) {
    o += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                     "stroke=\"#e6e8ec\"/><text x=\"{:.1f}\" y=\"{:.1f}\" "
                     "text-anchor=\"end\">{}</text>",
                     L, L + W, Y(g), Y(g), L - 6, Y(g) + 4, g);
  }
  o += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
                   "stroke=\"#9aa1ad\"/>",
                   L, T, T + H);
  // x ticks: up to 8 dates.
  const std::int64_t ticks = std::min<std::int64_t>(7, d1 - d0);
  for (std::int64_t i = 0; i <= ticks; ++i) {
    const std::int64_t d = ticks == 0 ? d0 : d0 + (d1 - d0) * i / ticks;
    o += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
                     "stroke=\"#9aa1ad\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
                     "text-anchor=\"middle\">{4}</text>",
                     X(d), T + H, T + H + 4, T + H + 18, dayString(d));
  }
  if (has_deadline) {
    const double x = X(dayNumber(deadline));
    o += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" "
                     "stroke=\"#c82828\" stroke-dasharray=\"6 4\" stroke-width=\"2\"/>"
                     "<text x=\"{3:.1f}\" y=\"{4:.1f}\" fill=\"#c82828\">deadline {5}</text>",
                     x, T, T + H, x + 4, T + 12, htmlEscape(str(mig, "deadline")));
  }
  std::size_t i = 0;
  for (const auto& s : series) {
    const char* color = kPalette[i % std::size(kPalette)];
    const bool server = str(s, "role") == "server";
    const std::string label =
        shorten(str(s, "vendor_name"), 26) + (server ? " (instances)" : " (users)");
    std::string pts;
    const auto& points = s.at("points");
    for (const auto& p : points) {
      std::int64_t t = 0;
      if (!parseTime(p.at(0).get<std::string>(), t))
        continue;
      pts += fmt::format("{:.1f},{:.1f} ", X(dayNumber(t)), Y(p.at(1).get<std::uint64_t>()));
    }
    o += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\">"
                     "<title>{}</title></polyline>",
                     color, server ? " stroke-dasharray=\"5 3\"" : "", pts, htmlEscape(label));
    if (points.size() <= 62)
      for (const auto& p : points) {
        std::int64_t t = 0;
        if (!parseTime(p.at(0).get<std::string>(), t))
          continue;
        o += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}: {} "
                         "host(s) on {}</title></circle>",
                         X(dayNumber(t)), Y(p.at(1).get<std::uint64_t>()), color, htmlEscape(label),
                         p.at(1).get<std::uint64_t>(), htmlEscape(p.at(0).get<std::string>()));
      }
    const double ly = T + 8 + static_cast<double>(i) * 18;
    o += fmt::format("<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" "
                     "stroke=\"{3}\" stroke-width=\"3\"{4}/><text x=\"{5:.1f}\" "
                     "y=\"{6:.1f}\">{7}</text>",
                     L + W + 16, L + W + 40, ly, color, server ? " stroke-dasharray=\"5 3\"" : "",
                     L + W + 46, ly + 4, htmlEscape(label));
    ++i;
  }
  o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" transform=\"rotate(-90 {:.1f} {:.1f})\" "
                   "text-anchor=\"middle\">hosts in contact</text>",
                   14.0, T + H / 2, 14.0, T + H / 2);
  o += "</svg>";
  return o;
}

std::string migrationSection(const OJson& mig) {
  std::string o = "<section id=\"migration\"><h2>Migration: hosts still in contact</h2>";
  o += fmt::format(
      "<p class=\"muted\">As of {}: <b>still</b> = seen within the last {} day(s); "
      "<b>stopped</b> = last seen before that (date given); <b>new</b> = first seen since {} "
      "and still in contact. Days without capture are not drawn.</p>",
      htmlEscape(str(mig, "as_of")), num(mig, "stale_days"), htmlEscape(str(mig, "since")));
  o += migrationChart(mig);
  const bool deadline = mig.contains("deadline") && mig["deadline"].is_string();
  o += "<h3>Per vendor</h3><table><tr><th>vendor</th><th>role</th><th class=\"num\">still</th>"
       "<th class=\"num\">stopped</th><th class=\"num\">new</th>";
  if (deadline)
    o += "<th class=\"num\">seen after the deadline</th>";
  o += "</tr>";
  for (const auto& v : mig.at("vendors")) {
    o += "<tr>" + cell(str(v, "vendor_name")) +
         cell(str(v, "role") == "server" ? "instance" : "user") + numCell(num(v, "still")) +
         numCell(num(v, "stopped")) + numCell(num(v, "new"));
    if (deadline)
      o += numCell(num(v, "seen_after_deadline"));
    o += "</tr>";
  }
  o += "</table>";
  auto table = [&](const OJson& rows, const std::string& title, const char* id) {
    o += fmt::format("<h3 id=\"{}\">{}</h3>", id, title);
    if (rows.empty()) {
      o += "<p>None.</p>";
      return;
    }
    o += "<table><tr><th>host</th><th>role</th><th>vendor</th><th>products</th><th>first "
         "seen</th><th>last seen</th><th>contact</th><th>stopped on</th></tr>";
    std::size_t n = 0;
    for (const auto& h : rows) {
      if (n++ == kTableRows)
        break;
      o += "<tr>" + cell(str(h, "host")) + cell(str(h, "role") == "server" ? "instance" : "user") +
           cell(str(h, "vendor_name")) + cell(str(h, "products")) + cell(str(h, "first_seen")) +
           cell(str(h, "last_seen")) + cell(str(h, "contact")) + cell(str(h, "stopped_on")) +
           "</tr>";
    }
    o += "</table>" + moreRows(rows.size());
  };
  if (deadline)
    table(mig.at("after_deadline"),
          fmt::format("Still in contact after the deadline {} ({} host x vendor)",
                      htmlEscape(str(mig, "deadline")), mig.at("after_deadline").size()),
          "vw-after-deadline");
  table(mig.at("hosts"), "Status per host and vendor", "vw-status");
  o += "</section>\n";
  return o;
}

std::string instancesSection(const OJson& merged) {
  std::string o = "<section id=\"instances\"><h2>Where it runs: product instances</h2>";
  auto it = merged.find("instances");
  if (it == merged.end() || !it->is_array() || it->empty())
    return o + "<p>No product instance seen.</p></section>\n";
  o += "<p class=\"muted\">Addresses inside the network that run a vendor's product (server-side "
       "evidence: certificate, banner, response header, syslog sent by it). Their users are in "
       "the next section.</p><table><tr><th>address</th><th>vendor</th><th>product</th>"
       "<th class=\"num\">clients</th><th>clients seen</th><th class=\"num\">flows</th>"
       "<th>first seen</th><th>last seen</th><th>confidence</th><th>evidence</th></tr>";
  std::size_t n = 0;
  for (const auto& x : *it) {
    if (n++ == kTableRows)
      break;
    std::string clients;
    std::size_t k = 0;
    if (auto c = x.find("clients"); c != x.end() && c->is_array())
      for (const auto& a : *c) {
        if (k++ == 8) {
          clients += ", ...";
          break;
        }
        clients += (clients.empty() ? "" : ", ") + (a.is_string() ? a.get<std::string>() : "");
      }
    o += "<tr>" + cell(str(x, "ip")) + cell(sub(x, "vendor", "name")) +
         cell(sub(x, "product", "name").empty() ? sub(x, "product", "id")
                                                : sub(x, "product", "name")) +
         numCell(num(x, "client_count")) + "<td class=\"ev\">" + htmlEscape(clients) + "</td>" +
         numCell(num(x, "flows")) + cell(str(x, "first_seen")) + cell(str(x, "last_seen")) +
         cell(str(x, "confidence")) + "<td class=\"ev\">" + htmlEscape(evidenceText(x, 3)) +
         "</td></tr>";
  }
  o += "</table>" + moreRows(it->size()) + "</section>\n";
  return o;
}

std::string webSection(const OJson& merged) {
  std::string o = "<section id=\"web\"><h2>Web presence (not product usage)</h2>";
  auto it = merged.find("web");
  if (it == merged.end() || !it->is_array() || it->empty())
    return o + "<p>No visit to a vendor's web presence recorded.</p></section>\n";
  o += "<p class=\"muted\">Visits to a vendor's public web sites or to sites served through its "
       "CDN: counted, never a vendor alert by default.</p><table><tr><th>host</th>"
       "<th>vendor</th><th class=\"num\">flows</th><th class=\"num\">uploaded</th>"
       "<th class=\"num\">downloaded</th><th>first seen</th><th>last seen</th><th>evidence</th>"
       "</tr>";
  std::size_t n = 0;
  for (const auto& x : *it) {
    if (n++ == kTableRows)
      break;
    o += "<tr>" + cell(str(x, "ip")) + cell(sub(x, "vendor", "name")) + numCell(num(x, "flows")) +
         "<td class=\"num\">" + humanBytes(num(x, "bytes_to_vendor")) + "</td><td class=\"num\">" +
         humanBytes(num(x, "bytes_from_vendor")) + "</td>" + cell(str(x, "first_seen")) +
         cell(str(x, "last_seen")) + "<td class=\"ev\">" + htmlEscape(evidenceText(x, 2)) +
         "</td></tr>";
  }
  o += "</table>" + moreRows(it->size()) + "</section>\n";
  return o;
}

std::string inspectionSection(const OJson& merged) {
  auto it = merged.find("inspection");
  if (it == merged.end() || !it->is_array() || it->empty())
    return "";
  std::string o =
      "<section id=\"inspection\"><h2>TLS inspection by a vendor's appliance</h2>"
      "<table><tr><th>vendor</th><th>product</th><th>CA</th><th class=\"num\">flows</th>"
      "<th class=\"num\">hosts</th><th>first seen</th><th>last seen</th></tr>";
  for (const auto& x : *it)
    o += "<tr>" + cell(sub(x, "vendor", "name")) + cell(sub(x, "product", "name")) +
         "<td class=\"ev\">" + htmlEscape(str(x, "ca")) + "</td>" + numCell(num(x, "flows")) +
         numCell(num(x, "hosts")) + cell(str(x, "first_seen")) + cell(str(x, "last_seen")) +
         "</tr>";
  return o + "</table></section>\n";
}

} // namespace

std::string htmlEscape(const std::string& in) {
  // Control bytes, invalid UTF-8 and invisible or reordering code points made visible first
  // (escape.h), then the HTML metacharacters.
  const std::string s = escapeDisplay(in);
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

  if (auto m = merged.find("migration"); m != merged.end() && m->is_object())
    o += migrationSection(*m);
  o += instancesSection(merged);

  // Bytes uploaded per vendor.
  o += "<section id=\"vendors\"><h2>Who uses it: bytes uploaded per vendor</h2>";
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
  o += "<section id=\"hosts\"><h2>Who uses it: hosts &times; vendors (bytes uploaded)</h2>"
       "<div class=\"controls\"><input id=\"vw-filter\" type=\"search\" placeholder=\"Filter by "
       "host or vendor\" aria-label=\"filter\"><button id=\"vw-prev\">&larr; Prev</button>"
       "<span id=\"vw-page-info\"></span><button id=\"vw-next\">Next &rarr;</button>"
       "<label>per page <select id=\"vw-size\"><option>25</option><option selected>50</option>"
       "<option>100</option><option>250</option></select></label></div>"
       "<div id=\"vw-matrix\"></div>"
       "<h2>First and last contact per host</h2><div id=\"vw-timeline\"></div>"
       "<noscript><p>The host matrix and timeline need JavaScript; the CSV export has the same "
       "data.</p></noscript></section>\n";

  o += webSection(merged);
  o += inspectionSection(merged);

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
