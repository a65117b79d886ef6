/* html.c - the report page: inline CSS (light, dark, print), a small
 * script (hover values, zoom on the time axis, sortable tables), and per
 * view the summary, problems, charts and tables. Every string that comes
 * from a file goes through capkit__rp_esc(). Values a program may compare
 * sit in data-key/data-v attributes, written as `capkit info --json` and
 * `capkit stats --json` write them. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capkit/capkit.h>

#include "report/report_int.h"

void capkit__rp_f(tbuf *o, const char *fmt, ...) {
  char t[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t, sizeof t, fmt, ap);
  va_end(ap);
  if (n > 0)
    tb_mem(o, t, (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}

void capkit__rp_esc(tbuf *o, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '&':
      tb_s(o, "&amp;");
      break;
    case '<':
      tb_s(o, "&lt;");
      break;
    case '>':
      tb_s(o, "&gt;");
      break;
    case '"':
      tb_s(o, "&quot;");
      break;
    case '\'':
      tb_s(o, "&#39;");
      break;
    default:
      if (*p < 0x20 && *p != '\n' && *p != '\t')
        capkit__rp_f(o, "\\x%02x", *p); /* control bytes shown, not sent */
      else
        tb_c(o, (char)*p);
    }
  }
}

void capkit__rp_count(tbuf *o, uint64_t v) {
  char t[32];
  int n = snprintf(t, sizeof t, "%" PRIu64, v);
  for (int i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0)
      tb_c(o, ',');
    tb_c(o, t[i]);
  }
}

void capkit__rp_si(tbuf *o, double v, const char *unit) {
  static const char *const pre[] = {"", "k", "M", "G", "T", "P", "E"};
  int k = 0;
  while ((v < 0 ? -v : v) >= 1000 && k < 6) {
    v /= 1000;
    k++;
  }
  capkit__rp_f(o, "%.3g %s%s", v, pre[k], unit);
}

/* ---- page frame ------------------------------------------------------- */

static const char css[] =
    ":root{--bg:#fff;--fg:#1d2330;--mut:#5b6576;--line:#d9dee7;--card:#f6f8fb;"
    "--acc:#2563eb;--bad:#b42318;--badbg:#fdecea;--warn:#8a5a00;"
    "--warnbg:#fff6e0;--ok:#137333;--gap:#9aa4b2;"
    "--c0:#2563eb;--c1:#f59e0b;--c2:#10b981;--c3:#ef4444;--c4:#8b5cf6;"
    "--c5:#94a3b8}"
    "@media (prefers-color-scheme:dark){:root{--bg:#11151c;--fg:#e6e9ef;"
    "--mut:#9aa4b2;--line:#2c3340;--card:#181d26;--acc:#60a5fa;"
    "--bad:#ff8a80;--badbg:#3a1a1a;--warn:#f5c451;--warnbg:#33290f;"
    "--ok:#6fd58b;--gap:#5b6576;--c0:#60a5fa;--c1:#fbbf24;--c2:#34d399;"
    "--c3:#f87171;--c4:#a78bfa;--c5:#64748b}}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 "
    "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "header{padding:18px 28px;border-bottom:1px solid var(--line)}"
    "header h1{margin:0;font-size:22px}header p{margin:4px 0 "
    "0;color:var(--mut)}"
    "nav{margin-top:8px}nav a{margin-right:14px}"
    "a{color:var(--acc)}main{padding:0 28px 40px;max-width:1200px}"
    "section.view{margin-top:26px;border-top:3px solid var(--acc);"
    "padding-top:6px}"
    "h2{font-size:20px;margin:6px 0 10px;word-break:break-all}"
    "h3{font-size:16px;margin:22px 0 8px}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,"
    "1fr));"
    "gap:10px;margin:10px 0}"
    ".card{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:8px 12px}"
    ".card b{display:block;font-size:19px}.card span{color:var(--mut);"
    "font-size:12px}"
    "table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:"
    "tabular-nums}"
    "th,td{padding:3px 10px;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}"
    "table.kv th{color:var(--mut);font-weight:normal;white-space:nowrap}"
    "td.n,th.n{text-align:right;white-space:nowrap}"
    "table.data th{cursor:pointer;user-select:none;white-space:nowrap}"
    "table.data th:hover{color:var(--acc)}"
    "td.bar{min-width:120px;width:160px}"
    "td.bar i{display:block;height:10px;background:var(--c0);"
    "border-radius:2px;min-width:1px}"
    "td.addr{font-family:ui-monospace,monospace;font-size:13px;"
    "white-space:nowrap}"
    ".damage{background:var(--badbg);color:var(--bad);border-left:5px solid "
    "var(--bad);padding:10px 14px;border-radius:4px;font-weight:600}"
    ".warn{background:var(--warnbg);color:var(--warn);padding:8px 12px;"
    "border-radius:4px}"
    ".ok{color:var(--ok);font-weight:600}.note,.none{color:var(--mut)}"
    "figure{margin:8px 0 16px}figcaption{font-weight:600;margin-bottom:2px}"
    "svg.chart{width:100%;height:auto;display:block;max-width:960px}"
    "svg text{fill:var(--mut);font-size:11px}"
    ".xax text,.hist text{text-anchor:middle}.yax text{text-anchor:end}"
    ".xax line,.yax line,.base{stroke:var(--line)}"
    ".hist text.val{fill:var(--fg)}"
    ".c0{fill:var(--c0);background:var(--c0)}.c1{fill:var(--c1);"
    "background:var(--c1)}.c2{fill:var(--c2);background:var(--c2)}"
    ".c3{fill:var(--c3);background:var(--c3)}.c4{fill:var(--c4);"
    "background:var(--c4)}.c5{fill:var(--c5);background:var(--c5)}"
    "rect.gap{fill:var(--gap);opacity:.28}rect.sel{fill:var(--acc);"
    "opacity:.2}"
    "g.bin:hover rect,rect.bar:hover{opacity:.75}"
    "ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;"
    "flex-wrap:wrap;gap:14px}"
    "ul.legend i{display:inline-block;width:12px;height:12px;"
    "border-radius:2px;margin-right:5px;vertical-align:-1px}"
    "ul.gaps{margin:0 0 10px;color:var(--warn)}"
    ".tip{position:fixed;pointer-events:none;background:var(--card);"
    "border:1px solid var(--line);border-radius:6px;padding:6px 9px;"
    "font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.2);display:none;"
    "white-space:pre;z-index:9}"
    ".cols{display:flex;flex-wrap:wrap;gap:0 36px;align-items:flex-start}"
    "h4{font-size:14px;margin:14px 0 4px}"
    "pre.cmt{white-space:pre-wrap;margin:0}"
    "@media print{body{font-size:11px;background:#fff;color:#000}"
    "nav,.tip{display:none}section.view{break-before:page}"
    "figure,table{break-inside:avoid}header{border:0}"
    ":root{--bg:#fff;--fg:#000;--card:#fff}}";

static const char script[] =
    "(function(){'use strict';"
    "var tip=document.createElement('div');tip.className='tip';"
    "document.body.appendChild(tip);"
    "function si(v,u){var p=['','k','M','G','T','P'],k=0;"
    "while(Math.abs(v)>=1000&&k<5){v/=1000;k++}"
    "return (+v.toPrecision(3))+' '+p[k]+u}"
    "function dur(t){var a=Math.abs(t);if(a>=7200)return "
    "+(t/3600).toPrecision(6)+' h';"
    "if(a>=120)return +(t/60).toPrecision(6)+' min';"
    "if(a&&a<0.001)return +(t*1e6).toPrecision(6)+' \\u00b5s';"
    "if(a&&a<1)return +(t*1e3).toPrecision(6)+' ms';"
    "return +t.toPrecision(6)+' s'}"
    "function show(e,txt){tip.textContent=txt;tip.style.display='block';"
    "tip.style.left=Math.min(e.clientX+14,innerWidth-260)+'px';"
    "tip.style.top=(e.clientY+14)+'px'}"
    "document.addEventListener('mousemove',function(e){"
    "var g=e.target.closest&&e.target.closest('g.bin');"
    "if(g){var s=g.closest('svg.chart'),fig=s.closest('section');"
    "var names=[].map.call(fig.querySelectorAll('ul.legend li'),"
    "function(l){return l.textContent});"
    "var iv=+s.dataset.iv,l=g.dataset.l.split(','),bps=s.dataset.k=='bps';"
    "var t='at '+dur(+g.dataset.t)+' (bin of '+dur(iv)+')\\n'+"
    "g.dataset.p+' packets, '+si(+g.dataset.p/iv,'packets/s')+'\\n'+"
    "g.dataset.b+' bytes, '+si(8*g.dataset.b/iv,'bit/s');"
    "for(var i=0;i<l.length;i++)if(+l[i])t+='\\n  '+names[i]+': '+"
    "(bps?si(+l[i]*8/iv,'bit/s'):si(+l[i]/iv,'packets/s'));"
    "return show(e,t)}"
    "var r=e.target.closest&&e.target.closest('rect.bar');"
    "if(r)return show(e,r.dataset.r.replace('-4294967295','+')+' bytes: '+"
    "r.dataset.p+' packets, '+r.dataset.b+' bytes');"
    "tip.style.display='none'});"
    /* zoom: drag across a plot; both charts of the view follow */
    "function axis(s,a,b){var t0=+s.dataset.t0,iv=+s.dataset.iv,"
    "x0=72,pw=872,span=(b-a)*iv,ta=t0+a*iv,raw=span/6,"
    "mag=Math.pow(10,Math.floor(Math.log10(raw))),"
    "st=raw<=mag?mag:raw<=2*mag?2*mag:raw<=5*mag?5*mag:10*mag,"
    "g=s.querySelector('g.xax'),h='';"
    "for(var t=Math.ceil(ta/st)*st;t<=ta+span+st*1e-9;t+=st){"
    "var x=(x0+(t-ta)/span*pw).toFixed(1);"
    "h+='<line x1=\"'+x+'\" x2=\"'+x+'\" y1=\"192\" y2=\"197\"/>'+"
    "'<text x=\"'+x+'\" y=\"212\">'+dur(Math.abs(t)<st*1e-9?0:t)+'</text>'}"
    "g.innerHTML=h}"
    "function "
    "zoom(v,a,b){document.querySelectorAll('svg.io[data-view=\"'+v+'\"]')"
    ".forEach(function(s){s.querySelector('svg.plot').setAttribute('viewBox',"
    "a+' 0 '+(b-a)+' 180');axis(s,a,b)})}"
    "document.querySelectorAll('svg.io').forEach(function(s){"
    "var p=s.querySelector('svg.plot'),sel=p.querySelector('rect.sel'),"
    "start=null;"
    "function bin(e){var r=p.getBoundingClientRect(),vb=p.viewBox.baseVal;"
    "return vb.x+(e.clientX-r.left)/r.width*vb.width}"
    "s.addEventListener('mousedown',function(e){start=bin(e);e.preventDefault()"
    "});"
    "s.addEventListener('mousemove',function(e){if(start===null)return;"
    "var x=bin(e);sel.setAttribute('x',Math.min(x,start));"
    "sel.setAttribute('width',Math.abs(x-start))});"
    "s.addEventListener('mouseup',function(e){if(start===null)return;"
    "var x=bin(e),a=Math.max(0,Math.min(x,start)),"
    "b=Math.min(+s.dataset.n,Math.max(x,start));start=null;"
    "sel.setAttribute('width',0);if(b-a>0.5)zoom(s.dataset.view,a,b)});"
    "s.addEventListener('dblclick',function(){zoom(s.dataset.view,0,"
    "+s.dataset.n)})});"
    /* sortable tables: numbers by data-v, text by content */
    "document.querySelectorAll('table.data th').forEach(function(th){"
    "th.title='sort';th.addEventListener('click',function(){"
    "var tb=th.closest('table').tBodies[0],i=th.cellIndex,"
    "d=th.dataset.d=th.dataset.d=='1'?'-1':'1';"
    "var rows=[].slice.call(tb.rows);rows.sort(function(x,y){"
    "var a=x.cells[i],b=y.cells[i];"
    "if(a.dataset.v!==undefined&&b.dataset.v!==undefined)"
    "return (a.dataset.v-b.dataset.v)*d;"
    "return a.textContent.localeCompare(b.textContent)*d});"
    "rows.forEach(function(r){tb.appendChild(r)})})})"
    "})();";

/* ---- small pieces ------------------------------------------------------ */

/* A key/value row whose value is also in data-v for programs. */
static void kv_open(tbuf *o, const char *label, const char *key) {
  capkit__rp_f(o, "<tr><th>%s</th><td data-key=\"%s\"", label, key);
}

static void kv_u(tbuf *o, const char *label, const char *key, uint64_t v) {
  kv_open(o, label, key);
  capkit__rp_f(o, " data-v=\"%" PRIu64 "\">", v);
  capkit__rp_count(o, v);
  tb_s(o, "</td></tr>");
}

static void kv_s(tbuf *o, const char *label, const char *key, const char *v) {
  kv_open(o, label, key);
  tb_s(o, " data-v=\"");
  capkit__rp_esc(o, v);
  tb_s(o, "\">");
  capkit__rp_esc(o, v);
  tb_s(o, "</td></tr>");
}

/* A rate: data-v as info --json writes it, the text with an SI prefix. */
static void kv_f(tbuf *o, const char *label, const char *key, double v,
                 const char *unit) {
  kv_open(o, label, key);
  capkit__rp_f(o, " data-v=\"%.3f\">", v);
  capkit__rp_si(o, v, unit);
  tb_s(o, "</td></tr>");
}

static void time_text(char *t, size_t cap, capkit_time x, unsigned digits) {
  capkit_time_format(t, cap, x, digits, 0);
}

static void card(tbuf *o, const char *label, const char *value) {
  capkit__rp_f(o, "<div class=\"card\"><b>%s</b><span>%s</span></div>", value,
               label);
}

static void put_addr(tbuf *o, const uint8_t *a, int len, int port, int has) {
  if (len == 16) {
    if (has)
      tb_c(o, '[');
    tb_ip6(o, a);
    if (has)
      tb_c(o, ']');
  } else if (len == 4) {
    tb_ip4(o, a);
  } else {
    tb_mac(o, a, (size_t)len);
  }
  if (has)
    capkit__rp_f(o, ":%d", port);
}

static void num_td(tbuf *o, uint64_t v) {
  capkit__rp_f(o, "<td class=\"n\" data-v=\"%" PRIu64 "\">", v);
  capkit__rp_count(o, v);
  tb_s(o, "</td>");
}

static void bar_td(tbuf *o, uint64_t v, uint64_t max) {
  double pct = max ? 100.0 * (double)v / (double)max : 0;
  capkit__rp_f(o,
               "<td class=\"bar\" data-v=\"%" PRIu64
               "\"><i style=\"width:%.1f%%"
               "\"></i></td>",
               v, pct);
}

/* ---- summary ----------------------------------------------------------- */

static void summary(tbuf *o, const rp_view *v) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(v->st, &sum);
  unsigned digits = v->opened && v->info.tsresol < 9 ? 6 : 9;
  char t[64];
  tb_s(o, "<div class=\"grid\">");
  tbuf x = {0};
  capkit__rp_count(&x, sum.packets);
  tb_c(&x, 0);
  card(o, "packets", x.err ? "?" : x.p);
  x.n = 0;
  capkit__rp_si(&x, (double)sum.bytes, "B");
  tb_c(&x, 0);
  card(o, "bytes (original lengths)", x.err ? "?" : x.p);
  x.n = 0;
  if (sum.packets) {
    capkit__rp_f(&x, "%.6g s", sum.duration);
    tb_c(&x, 0);
    card(o, "duration", x.err ? "?" : x.p);
    x.n = 0;
    capkit__rp_si(&x, sum.bit_rate, "bit/s");
    tb_c(&x, 0);
    card(o, "average rate", sum.duration > 0 && !x.err ? x.p : "n/a");
    x.n = 0;
  }
  free(x.p);
  capkit_tcp_counts tc;
  capkit_tcp_health_totals(v->tcp, &tc, NULL);
  uint64_t probs = v->warnings + v->damage + (v->err ? 1 : 0);
  capkit__rp_f(o,
               "<div class=\"card\"><b>%" PRIu64 "</b><span>problems</span>"
               "</div>",
               probs);
  tb_s(o, "</div><div class=\"cols\">");
  if (v->opened) {
    tb_s(o, "<table class=\"kv summary\"><tbody>");
    const capkit_file_info *in = &v->info;
    kv_s(o, "Format", "format", in->format);
    kv_s(o, "Variant", "variant", in->variant);
    kv_s(o, "Byte order", "byte_order",
         in->byte_order == CAPKIT_BO_BIG ? "big" : "little");
    snprintf(t, sizeof t, "%u.%u", in->version_major, in->version_minor);
    kv_s(o, "Version", "version", t);
    kv_s(o, "Precision", "precision", in->tsresol == 9 ? "ns" : "us");
    kv_u(o, "Snaplen", "snaplen", in->snaplen);
    kv_open(o, "Link type", "linktype");
    const char *ln = capkit_linktype_name(in->linktype);
    capkit__rp_f(o, " data-v=\"%u\">%u %s</td></tr>", in->linktype,
                 in->linktype, ln ? ln : "unknown");
    kv_open(o, "FCS length", "fcs_len");
    capkit__rp_f(o, " data-v=\"%d\">%s</td></tr>", in->fcs_len,
                 in->fcs_len >= 0 ? "recorded" : "not recorded");
    if (in->thiszone || in->sigfigs)
      capkit__rp_f(o,
                   "<tr><th>Reserved fields</th><td>thiszone %d, sigfigs "
                   "%u</td></tr>",
                   in->thiszone, in->sigfigs);
    tb_s(o, "</tbody></table>");
  }
  tb_s(o, "<table class=\"kv summary\"><tbody>");
  kv_u(o, "Packets", "packets", sum.packets);
  kv_u(o, "Captured bytes", "captured_bytes", sum.captured_bytes);
  kv_u(o, "Original bytes", "original_bytes", sum.bytes);
  if (sum.packets) {
    time_text(t, sizeof t, sum.earliest, digits);
    kv_s(o, "First time (UTC)", "first_time", t);
    time_text(t, sizeof t, sum.latest, digits);
    kv_s(o, "Last time (UTC)", "last_time", t);
    snprintf(t, sizeof t, "%.9f", sum.duration);
    kv_open(o, "Duration", "duration");
    capkit__rp_f(o, " data-v=\"%s\">%.*f s</td></tr>", t, digits, sum.duration);
    if (sum.duration > 0) {
      kv_f(o, "Data rate", "data_rate_bytes", sum.byte_rate, "B/s");
      kv_f(o, "Bit rate", "data_rate_bits", sum.bit_rate, "bit/s");
      kv_f(o, "Packet rate", "packet_rate", sum.packet_rate, "packets/s");
    } else {
      tb_s(o, "<tr><th>Rates</th><td>n/a (no duration)</td></tr>");
    }
    kv_u(o, "Smallest packet", "min_size", sum.min_len);
    kv_u(o, "Largest packet", "max_size", sum.max_len);
    kv_open(o, "Mean packet size", "mean_size");
    capkit__rp_f(o, " data-v=\"%.3f\">%.2f bytes</td></tr>", sum.mean_size,
                 sum.mean_size);
    kv_u(o, "Smallest captured", "min_captured_size", sum.min_caplen);
    kv_u(o, "Largest captured", "max_captured_size", sum.max_caplen);
    if (sum.out_of_order)
      kv_u(o, "Records older than the one before", "out_of_order",
           sum.out_of_order);
  }
  size_t nlt = capkit_stats_linktype_count(v->st);
  if (nlt) {
    tb_s(o, "<tr><th>Link types seen</th><td>");
    for (size_t i = 0; i < nlt; i++) {
      uint32_t lt;
      uint64_t p;
      capkit_stats_linktype(v->st, i, &lt, &p);
      const char *ln = capkit_linktype_name(lt);
      capkit__rp_f(o, "%s%u %s (", i ? "; " : "", lt, ln ? ln : "unknown");
      capkit__rp_count(o, p);
      tb_s(o, " packets)");
    }
    tb_s(o, "</td></tr>");
  }
  tb_s(o, "</tbody></table></div>");
}

/* ---- pcapng sections, interfaces, comments ----------------------------- */

static void opt_td(tbuf *o, const char *s) {
  tb_s(o, "<td>");
  if (s)
    capkit__rp_esc(o, s);
  tb_s(o, "</td>");
}

static void pcapng_details(tbuf *o, const rp_view *v) {
  if (v->nsec) {
    capkit__rp_f(o,
                 "<h3>Sections (%zu)</h3><table class=\"data sections\">"
                 "<thead><tr><th>#</th><th>Offset</th><th>Byte order</th>"
                 "<th>Version</th><th>Interfaces</th><th>Application</th>"
                 "<th>OS</th><th>Hardware</th><th>Comment</th></tr></thead>"
                 "<tbody>",
                 v->total_sec);
    for (size_t i = 0; i < v->nsec; i++) {
      const capkit_section *s = &v->sec[i];
      tb_s(o, "<tr>");
      num_td(o, i);
      num_td(o, s->offset);
      capkit__rp_f(o, "<td>%s</td><td>%u.%u</td>",
                   s->byte_order == CAPKIT_BO_BIG ? "big" : "little",
                   s->version_major, s->version_minor);
      num_td(o, s->n_ifaces);
      opt_td(o, s->userappl);
      opt_td(o, s->os);
      opt_td(o, s->hardware);
      opt_td(o, s->comment);
      tb_s(o, "</tr>");
    }
    tb_s(o, "</tbody></table>");
    if (v->total_sec > v->nsec)
      capkit__rp_f(o, "<p class=\"note\">%zu more sections not listed.</p>",
                   v->total_sec - v->nsec);
  }
  if (v->nif) {
    capkit__rp_f(o,
                 "<h3>Interfaces (%zu)</h3><table class=\"data ifaces\">"
                 "<thead><tr><th>#</th><th>Section</th><th>Link type</th>"
                 "<th>Snaplen</th><th>Resolution</th><th>Name</th>"
                 "<th>Description</th><th>Filter</th><th>OS</th>"
                 "<th>Packets</th></tr></thead><tbody>",
                 v->total_if);
    for (size_t i = 0; i < v->nif; i++) {
      const capkit_iface *f = &v->ifs[i];
      const char *ln = capkit_linktype_name(f->linktype);
      tb_s(o, "<tr>");
      num_td(o, i);
      num_td(o, f->section);
      capkit__rp_f(o, "<td>%u %s</td>", f->linktype, ln ? ln : "unknown");
      num_td(o, f->snaplen);
      if (f->tsresol & 0x80)
        capkit__rp_f(o, "<td>2^-%u s</td>", f->tsresol & 0x7f);
      else
        capkit__rp_f(o, "<td>10^-%u s</td>", f->tsresol);
      opt_td(o, f->name);
      opt_td(o, f->description);
      opt_td(o, f->filter);
      opt_td(o, f->os);
      num_td(o, capkit_stats_iface_packets(v->st, (uint32_t)i));
      tb_s(o, "</tr>");
    }
    tb_s(o, "</tbody></table>");
    if (v->total_if > v->nif)
      capkit__rp_f(o, "<p class=\"note\">%zu more interfaces not listed.</p>",
                   v->total_if - v->nif);
  }
  if (v->comments) {
    capkit__rp_f(o,
                 "<h3>Packet comments (%" PRIu64 ")</h3><table class=\""
                 "data comments\"><thead><tr><th>Record</th>"
                 "<th>Comment</th></tr></thead><tbody>",
                 v->comments);
    for (size_t i = 0; i < v->nnotes; i++)
      if (v->notes[i].kind < 0) {
        tb_s(o, "<tr>");
        num_td(o, v->notes[i].record);
        tb_s(o, "<td><pre class=\"cmt\">");
        capkit__rp_esc(o, v->notes[i].text);
        tb_s(o, "</pre></td></tr>");
      }
    tb_s(o, "</tbody></table>");
    if (v->comments > v->kept[2])
      capkit__rp_f(o, "<p class=\"note\">%" PRIu64 " more not listed.</p>",
                   v->comments - v->kept[2]);
  }
}

/* ---- problems ----------------------------------------------------------- */

/* The problems; LISTS: with the tables of warnings and damaged places. */
static void problems(tbuf *o, const rp_view *v, int lists) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(v->st, &sum);
  tb_s(o, "<h3>Problems</h3>");
  if (v->err) {
    capkit__rp_f(o,
                 "<div class=\"damage\" data-code=\"%s\" data-offset=\"%" PRIu64
                 "\" data-record=\"%" PRIu64 "\">",
                 capkit_errname(v->err_code) ? capkit_errname(v->err_code)
                                             : "?",
                 v->err_offset, v->err_record);
    if (v->opened)
      tb_s(o, "Reading stopped: ");
    else
      tb_s(o, "The file could not be opened: ");
    capkit__rp_esc(o, v->err);
    if (v->opened) {
      tb_s(o, "<br>Everything before it is in this report (");
      capkit__rp_count(o, sum.packets);
      tb_s(o, " packets).");
    }
    tb_s(o, "</div>");
  }
  if (v->damage && !lists)
    capkit__rp_f(o,
                 "<p>%" PRIu64 " damaged place%s found by scanning the "
                 "whole file.</p>",
                 v->damage, v->damage == 1 ? "" : "s");
  if (v->damage && lists) {
    capkit__rp_f(o,
                 "<p>%" PRIu64 " damaged place%s found by scanning the "
                 "whole file:</p><table class=\"data damaged\"><thead><tr>"
                 "<th>Offset</th><th>Length</th><th>Before record</th>"
                 "<th>What</th></tr></thead><tbody>",
                 v->damage, v->damage == 1 ? "" : "s");
    for (size_t i = 0; i < v->nnotes; i++)
      if (v->notes[i].kind == 0) {
        tb_s(o, "<tr>");
        num_td(o, v->notes[i].offset);
        num_td(o, v->notes[i].length);
        num_td(o, v->notes[i].record);
        opt_td(o, v->notes[i].text);
        tb_s(o, "</tr>");
      }
    tb_s(o, "</tbody></table>");
    if (v->damage > v->kept[1])
      capkit__rp_f(o, "<p class=\"note\">%" PRIu64 " more not listed.</p>",
                   v->damage - v->kept[1]);
  }
  if (v->warnings) {
    capkit__rp_f(o, "<p class=\"warn\">%" PRIu64 " warning%s:", v->warnings,
                 v->warnings == 1 ? "" : "s");
    for (int k = 1; k < 32; k++)
      if (v->by_kind[k]) {
        const char *n = capkit_warning_name(k);
        capkit__rp_f(o,
                     " <span data-kind=\"%s\" data-v=\"%" PRIu64
                     "\">%s %" PRIu64 "</span>",
                     n ? n : "OTHER", v->by_kind[k], n ? n : "OTHER",
                     v->by_kind[k]);
      }
    tb_s(o, "</p>");
  }
  if (v->warnings && lists) {
    tb_s(o, "<table class=\"data warnings\"><thead><tr><th>Kind</th>"
            "<th>Record</th><th>Offset</th><th>Message</th></tr></thead>"
            "<tbody>");
    for (size_t i = 0; i < v->nnotes; i++)
      if (v->notes[i].kind > 0) {
        const char *n = capkit_warning_name(v->notes[i].kind);
        capkit__rp_f(o, "<tr><td>%s</td>", n ? n : "OTHER");
        num_td(o, v->notes[i].record);
        num_td(o, v->notes[i].offset);
        opt_td(o, v->notes[i].text);
        tb_s(o, "</tr>");
      }
    tb_s(o, "</tbody></table>");
    if (v->warnings > v->kept[0])
      capkit__rp_f(o, "<p class=\"note\">%" PRIu64 " more not listed.</p>",
                   v->warnings - v->kept[0]);
  }
  if (!v->err && !v->damage && !v->warnings)
    tb_s(o, "<p class=\"ok\">No problems found.</p>");
}

/* ---- tables ------------------------------------------------------------- */

#define MAX_NODES_SHOWN 300

static void ph_rows(tbuf *o, const capkit_stats *s, int node, int depth,
                    uint64_t tp, uint64_t tb, size_t *shown) {
  for (int c = node; c >= 0 && *shown < MAX_NODES_SHOWN;) {
    const capkit_stats_node *x = capkit_stats_node_at(s, (size_t)c);
    (*shown)++;
    capkit__rp_f(o,
                 "<tr data-depth=\"%d\"><td style=\"padding-left:%dpx\" "
                 "data-p=\"",
                 depth, 10 + 18 * depth);
    /* the path as stats --json writes it */
    int chain[64], n = 0;
    for (int q = c; q >= 0 && n < 64;
         q = capkit_stats_node_at(s, (size_t)q)->parent)
      chain[n++] = q;
    for (int k = n - 1; k >= 0; k--)
      capkit__rp_f(o, "%s%s", k == n - 1 ? "" : ":",
                   capkit_stats_node_at(s, (size_t)chain[k])->name);
    capkit__rp_f(o, "\">%s</td>", x->name);
    num_td(o, x->packets);
    bar_td(o, x->packets, tp);
    capkit__rp_f(o, "<td class=\"n\" data-v=\"%.4f\">%.2f%%</td>",
                 tp ? 100.0 * (double)x->packets / (double)tp : 0.0,
                 tp ? 100.0 * (double)x->packets / (double)tp : 0.0);
    num_td(o, x->bytes);
    capkit__rp_f(o, "<td class=\"n\" data-v=\"%.4f\">%.2f%%</td></tr>",
                 tb ? 100.0 * (double)x->bytes / (double)tb : 0.0,
                 tb ? 100.0 * (double)x->bytes / (double)tb : 0.0);
    if (depth < 64)
      ph_rows(o, s, x->first_child, depth + 1, tp, tb, shown);
    c = x->next_sibling;
  }
}

static void hierarchy(tbuf *o, const rp_view *v) {
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(v->st, &sum);
  size_t n = capkit_stats_node_count(v->st), shown = 0;
  tb_s(o, "<h3>Protocol hierarchy</h3>");
  if (!n) {
    tb_s(o, "<p class=\"none\">No packets.</p>");
    return;
  }
  tb_s(o, "<table class=\"hier\"><thead><tr><th>Protocol</th>"
          "<th class=\"n\">Packets</th><th></th><th class=\"n\">% packets</th>"
          "<th class=\"n\">Bytes</th><th class=\"n\">% bytes</th></tr>"
          "</thead><tbody>");
  ph_rows(o, v->st, 0, 0, sum.packets, sum.bytes, &shown);
  tb_s(o, "</tbody></table>");
  if (shown < n)
    capkit__rp_f(o, "<p class=\"note\">%zu more protocol nodes not shown.</p>",
                 n - shown);
}

static const struct {
  int kind;
  const char *name, *title;
} kinds[] = {{CAPKIT_CONV_ETH, "eth", "Ethernet"},
             {CAPKIT_CONV_IPV4, "ipv4", "IPv4"},
             {CAPKIT_CONV_IPV6, "ipv6", "IPv6"},
             {CAPKIT_CONV_TCP, "tcp", "TCP"},
             {CAPKIT_CONV_UDP, "udp", "UDP"}};

static void overflow_note(tbuf *o, const capkit_stats *s, int kind) {
  uint64_t p, b;
  capkit_stats_conv_overflow(s, kind, &p, &b);
  if (p)
    capkit__rp_f(o,
                 "<p class=\"warn\" data-overflow=\"%" PRIu64
                 "\">The table was "
                 "full: %" PRIu64 " packets of later conversations are counted "
                 "apart, so a conversation missing from this list has at "
                 "most %" PRIu64 " packets.</p>",
                 p, p, p);
}

static void conversations(tbuf *o, const rp_view *v, size_t top,
                          capkit_time t0) {
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    size_t n;
    const capkit_stats_conv **c = capkit_stats_conversations(
        v->st, CAPKIT_CONV_BIT(kinds[k].kind), CAPKIT_STATS_BY_PACKETS, &n);
    int ports = kinds[k].kind >= CAPKIT_CONV_TCP;
    capkit__rp_f(o, "<h4>%s conversations (%zu)</h4>", kinds[k].title, n);
    overflow_note(o, v->st, kinds[k].kind);
    if (!n) {
      tb_s(o, "<p class=\"none\">None.</p>");
      continue;
    }
    uint64_t max = c[0]->packets_ab + c[0]->packets_ba;
    capkit__rp_f(o,
                 "<table class=\"data conv\" data-kind=\"%s\" "
                 "data-count=\"%zu\"><thead><tr><th>A</th><th>B</th>"
                 "<th class=\"n\">Packets</th><th></th>"
                 "<th class=\"n\">Bytes</th>"
                 "<th class=\"n\">A→B packets</th><th class=\"n\">A→B bytes"
                 "</th><th class=\"n\">B→A packets</th><th class=\"n\">B→A "
                 "bytes</th><th class=\"n\">Start s</th>"
                 "<th class=\"n\">Duration s</th></tr></thead><tbody>",
                 kinds[k].name, n);
    for (size_t i = 0; i < n && i < top; i++) {
      const capkit_stats_conv *x = c[i];
      tb_s(o, "<tr><td class=\"addr\">");
      put_addr(o, x->a, x->addr_len, x->port_a, ports);
      tb_s(o, "</td><td class=\"addr\">");
      put_addr(o, x->b, x->addr_len, x->port_b, ports);
      tb_s(o, "</td>");
      num_td(o, x->packets_ab + x->packets_ba);
      bar_td(o, x->packets_ab + x->packets_ba, max);
      num_td(o, x->bytes_ab + x->bytes_ba);
      num_td(o, x->packets_ab);
      num_td(o, x->bytes_ab);
      num_td(o, x->packets_ba);
      num_td(o, x->bytes_ba);
      double st = capkit_span_seconds(capkit_time_span(x->first, t0));
      double du = capkit_span_seconds(capkit_time_span(x->last, x->first));
      capkit__rp_f(o,
                   "<td class=\"n\" data-v=\"%.6f\">%.6f</td>"
                   "<td class=\"n\" data-v=\"%.6f\">%.6f</td></tr>",
                   st, st, du, du);
    }
    tb_s(o, "</tbody></table>");
    if (n > top)
      capkit__rp_f(o, "<p class=\"note\">%zu more not shown.</p>", n - top);
    capkit_stats_list_free(c);
  }
}

static void endpoints(tbuf *o, const rp_view *v, size_t top) {
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    size_t n;
    capkit_stats_endpoint *e = capkit_stats_endpoints(
        v->st, CAPKIT_CONV_BIT(kinds[k].kind), CAPKIT_STATS_BY_BYTES, &n);
    int ports = kinds[k].kind >= CAPKIT_CONV_TCP;
    capkit__rp_f(o, "<div><h4>%s endpoints (%zu)</h4>", kinds[k].title, n);
    if (!n) {
      tb_s(o, "<p class=\"none\">None.</p></div>");
      continue;
    }
    uint64_t max = e[0].bytes_tx + e[0].bytes_rx;
    capkit__rp_f(o,
                 "<table class=\"data endpoints\" data-kind=\"%s\" "
                 "data-count=\"%zu\"><thead><tr><th>Address</th>"
                 "<th class=\"n\">Bytes</th><th></th>"
                 "<th class=\"n\">Packets</th><th class=\"n\">Sent packets"
                 "</th><th class=\"n\">Sent bytes</th><th class=\"n\">"
                 "Received packets</th><th class=\"n\">Received bytes</th>"
                 "</tr></thead><tbody>",
                 kinds[k].name, n);
    for (size_t i = 0; i < n && i < top; i++) {
      tb_s(o, "<tr><td class=\"addr\">");
      put_addr(o, e[i].addr, e[i].addr_len, e[i].port, ports);
      tb_s(o, "</td>");
      num_td(o, e[i].bytes_tx + e[i].bytes_rx);
      bar_td(o, e[i].bytes_tx + e[i].bytes_rx, max);
      num_td(o, e[i].packets_tx + e[i].packets_rx);
      num_td(o, e[i].packets_tx);
      num_td(o, e[i].bytes_tx);
      num_td(o, e[i].packets_rx);
      num_td(o, e[i].bytes_rx);
      tb_s(o, "</tr>");
    }
    tb_s(o, "</tbody></table>");
    if (n > top)
      capkit__rp_f(o, "<p class=\"note\">%zu more not shown.</p>", n - top);
    tb_s(o, "</div>");
    capkit_stats_list_free(e);
  }
}

static uint64_t trouble(const capkit_tcp_counts *n) {
  return n->retransmissions + n->out_of_order + n->lost + n->rst +
         n->zero_window;
}

static int by_trouble(const void *a, const void *b) {
  const capkit_tcp_conv_health *x = *(const capkit_tcp_conv_health *const *)a;
  const capkit_tcp_conv_health *y = *(const capkit_tcp_conv_health *const *)b;
  uint64_t tx = trouble(&x->n), ty = trouble(&y->n);
  if (tx != ty)
    return tx < ty ? 1 : -1;
  if (x->n.packets != y->n.packets)
    return x->n.packets < y->n.packets ? 1 : -1;
  return x < y ? -1 : x > y;
}

static void tcp_counts_tds(tbuf *o, const capkit_tcp_counts *n) {
  num_td(o, n->packets);
  num_td(o, n->syn);
  num_td(o, n->fin);
  num_td(o, n->rst);
  num_td(o, n->zero_window);
  num_td(o, n->retransmissions);
  num_td(o, n->out_of_order);
  num_td(o, n->lost);
}

static const char tcp_head[] =
    "<th class=\"n\">Segments</th><th class=\"n\">SYN</th>"
    "<th class=\"n\">FIN</th><th class=\"n\">RST</th>"
    "<th class=\"n\">Zero window</th><th class=\"n\">Retransmissions*</th>"
    "<th class=\"n\">Out of order*</th><th class=\"n\">Lost segments*</th>";

static void tcp_health(tbuf *o, const rp_view *v, size_t top) {
  capkit_tcp_counts tot;
  uint64_t untracked;
  capkit_tcp_health_totals(v->tcp, &tot, &untracked);
  tb_s(o, "<h3>TCP health</h3>");
  if (!tot.packets) {
    tb_s(o, "<p class=\"none\">No TCP segments.</p>");
    return;
  }
  tb_s(o, "<p class=\"note\">* Estimated from sequence numbers alone (no "
          "reassembly, no SACK): a segment starting below the highest "
          "sequence already seen in its direction is out of order when it "
          "comes within 3 ms of the segment before it, else a "
          "retransmission; a segment starting above it means bytes were not "
          "captured (lost). Zero window: window 0 without SYN, FIN or "
          "RST.</p><table class=\"data tcptotal\"><thead><tr><th></th>");
  tb_s(o, tcp_head);
  tb_s(o, "</tr></thead><tbody><tr><th>All</th>");
  tcp_counts_tds(o, &tot);
  tb_s(o, "</tr></tbody></table>");
  if (untracked)
    capkit__rp_f(o,
                 "<p class=\"warn\">%" PRIu64 " segments of conversations "
                 "past the table's size are in the flag counts only.</p>",
                 untracked);
  size_t n = capkit_tcp_health_count(v->tcp);
  const capkit_tcp_conv_health **c = n ? malloc(n * sizeof *c) : NULL;
  if (!c)
    return;
  for (size_t i = 0; i < n; i++)
    c[i] = capkit_tcp_health_at(v->tcp, i);
  qsort(c, n, sizeof *c, by_trouble);
  capkit__rp_f(o,
               "<h4>Conversations with the most trouble (%zu in all)</h4>"
               "<table class=\"data tcpconv\"><thead><tr><th>A</th>"
               "<th>B</th>",
               n);
  tb_s(o, tcp_head);
  tb_s(o, "</tr></thead><tbody>");
  for (size_t i = 0; i < n && i < top; i++) {
    tb_s(o, "<tr><td class=\"addr\">");
    put_addr(o, c[i]->a, c[i]->addr_len, c[i]->port_a, 1);
    tb_s(o, "</td><td class=\"addr\">");
    put_addr(o, c[i]->b, c[i]->addr_len, c[i]->port_b, 1);
    tb_s(o, "</td>");
    tcp_counts_tds(o, &c[i]->n);
    tb_s(o, "</tr>");
  }
  tb_s(o, "</tbody></table>");
  free(c);
}

/* ---- the page ----------------------------------------------------------- */

static void view(tbuf *o, const capkit_report *rp, const rp_view *v, size_t vi,
                 int full) {
  capkit__rp_f(o, "<section class=\"view\" id=\"v%zu\" data-file=\"", vi);
  capkit__rp_esc(o, v->name);
  tb_s(o, "\"><h2>");
  capkit__rp_esc(o, v->name);
  tb_s(o, "</h2>");
  summary(o, v);
  if (full)
    pcapng_details(o, v);
  problems(o, v, full);
  if (!full) {
    tb_s(o, "<p class=\"note\">Only the summary and problem counts of this "
            "file are shown, to keep the page small.</p></section>");
    return;
  }
  capkit_stats_summary sum = CAPKIT_STATS_SUMMARY_INIT;
  capkit_stats_get_summary(v->st, &sum);
  tb_s(o, "<h3>Traffic over time</h3>");
  capkit__rp_io_chart(o, v, vi);
  tb_s(o, "<h3>Packet sizes</h3>");
  if (sum.packets)
    capkit__rp_size_chart(o, v);
  else
    tb_s(o, "<p class=\"none\">No packets.</p>");
  hierarchy(o, v);
  tb_s(o, "<h3>Conversations</h3>");
  conversations(o, v, rp->set.top, sum.earliest);
  tb_s(o, "<h3>Endpoints</h3><div class=\"cols\">");
  endpoints(o, v, rp->set.top);
  tb_s(o, "</div>");
  tcp_health(o, v, rp->set.top);
  tb_s(o, "</section>");
}

/* The page's bound, less room for the head, style and script. */
#define PAGE_MAX (2u * 1024 * 1024 - 48 * 1024)

static void append(tbuf *to, const tbuf *from) {
  tb_mem(to, from->p, from->n);
  to->err |= from->err;
}

void capkit__rp_render(const capkit_report *rp, tbuf *o) {
  int all = (rp->set.flags & CAPKIT_REPORT_COMBINED) != 0;
  size_t nv = rp->nfiles + (size_t)all, left_out = 0;
  /* the views first, each whole or cut down to fit the bound */
  tbuf body = {0}, nav = {0}, one = {0}, item = {0};
  for (size_t k = 0; k < nv; k++) {
    size_t vi = all ? (k ? k - 1 : rp->nfiles) : k;
    const rp_view *v = vi == rp->nfiles ? &rp->all : &rp->files[vi];
    item.n = 0;
    capkit__rp_f(&item, "<a href=\"#v%zu\">", vi);
    capkit__rp_esc(&item, v->name);
    tb_s(&item, "</a>");
    int full = vi == rp->nfiles || vi < CAPKIT_REPORT_FULL_FILES;
    for (;;) {
      one.n = 0;
      view(&one, rp, v, vi, full);
      if (body.n + nav.n + one.n + item.n <= PAGE_MAX) {
        append(&body, &one);
        append(&nav, &item);
        break;
      }
      if (!full) {
        left_out++;
        break;
      }
      full = 0;
    }
  }
  tb_s(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,"
          "initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "script-src 'unsafe-inline'\"><meta name=\"generator\" "
          "content=\"capkit ");
  tb_s(o, capkit_version());
  tb_s(o, "\"><title>");
  capkit__rp_esc(o, rp->title);
  tb_s(o, "</title><style>");
  tb_s(o, css);
  tb_s(o, "</style></head><body><header><h1>");
  capkit__rp_esc(o, rp->title);
  capkit__rp_f(o,
               "</h1><p>%zu file%s · made by capkit %s · everything is in "
               "this page, nothing is fetched</p><nav>",
               rp->nfiles, rp->nfiles == 1 ? "" : "s", capkit_version());
  append(o, &nav);
  tb_s(o, "</nav></header><main>");
  if (left_out)
    capkit__rp_f(o,
                 "<p class=\"warn\" data-left-out=\"%zu\">%zu file%s "
                 "left out: the page keeps under 2 MiB.</p>",
                 left_out, left_out, left_out == 1 ? "" : "s");
  append(o, &body);
  tb_s(o, "</main><script>");
  tb_s(o, script);
  tb_s(o, "</script></body></html>\n");
  o->err |= body.err | nav.err | one.err | item.err;
  free(body.p);
  free(nav.p);
  free(one.p);
  free(item.p);
}
