# test_report_chromium.sh - capkit report pages rendered by headless
# Chromium (Debian's chromium, driven through the playwright-core npm
# package installed here into the build folder): no console error, no
# request but the page itself, charts that are not blank in the
# screenshot (light and dark), working hover, zoom and sorting, and DOM
# totals equal to capkit stats --json. One screenshot per fixture is kept
# in build/report-shots/.
. "$CAPKIT_TESTLIB"
need node npm
CHROME=${CAPKIT_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROME" ] || { echo "SKIP: chromium not installed ($CHROME)"; exit 77; }
B=${CAPKIT_BUILDDIR:-$T}
D="$B/playwright"
SHOTS="$B/report-shots"
if [ ! -d "$D/node_modules/playwright-core" ]; then
  mkdir -p "$D"
  (cd "$D" && npm install --no-audit --no-fund --silent playwright-core \
    >/dev/null 2>&1)
fi
[ -d "$D/node_modules/playwright-core" ] ||
  { echo "SKIP: npm could not install playwright-core"; exit 77; }
mkdir -p "$SHOTS"
C=$CAPKIT
cd "$T" || exit 99

# Fixtures (made by capkit gen; the damaged one cut by hand).
"$C" gen --start 1700000000 -f "$CAPKIT_TESTDATA/test_report_web.spec" -o web.pcap
printf '%s\n' "count=50 interval=10ms start=1700000000 eth()/ipv4()/udp()/payload(len=200)" \
  "count=50 interval=10ms start=1700000060 eth()/ipv4()/tcp()/payload(len=600)" >gap.spec
"$C" gen -f gap.spec -o gap.pcap
head -c 30000 web.pcap >cut.pcap
"$C" comment web.pcap -o evil.pcapng -s '</script><img src=x onerror=alert(1)>' \
  -a '1:<svg onload=alert(2)>'

"$C" report web.pcap -o web.html
"$C" report gap.pcap -o gap.html
"$C" report cut.pcap -o cut.html 2>/dev/null
"$C" report web.pcap gap.pcap -o two.html
"$C" report evil.pcapng -o evil.html

# The driver: load, record console messages and requests, read the DOM,
# try hover, zoom and sort, take the screenshot, and check the pixels of
# every chart (PNG decoded here with zlib: 8-bit RGB/RGBA, no interlace).
cat >"$D/report_page.mjs" <<'JSEOF'
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

function png(buf) {
  let o = 8, w, h, ct, idat = [];
  while (o < buf.length) {
    const n = buf.readUInt32BE(o), t = buf.toString('ascii', o + 4, o + 8);
    const d = buf.subarray(o + 8, o + 8 + n);
    if (t === 'IHDR') { w = d.readUInt32BE(0); h = d.readUInt32BE(4); ct = d[9];
      if (d[8] !== 8 || d[12] !== 0 || (ct !== 2 && ct !== 6)) throw new Error('png kind'); }
    if (t === 'IDAT') idat.push(d);
    o += 12 + n;
  }
  const bpp = ct === 6 ? 4 : 3, stride = w * bpp, raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[dst + x - bpp] : 0, b = y ? px[dst - stride + x] : 0;
      const c = x >= bpp && y ? px[dst - stride + x - bpp] : 0;
      let v = raw[src + x];
      if (f === 1) v += a; else if (f === 2) v += b; else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      px[dst + x] = v & 255;
    }
  }
  return { w, h, at: (x, y) => { const i = y * stride + x * bpp; return [px[i], px[i + 1], px[i + 2]]; } };
}

const [html, shot, out, scheme] = process.argv.slice(2);
const url = pathToFileURL(html).href;
const browser = await chromium.launch({ executablePath: process.env.CHROME, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
const r = { console: [], requests: [], blocked: [] };
page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') r.console.push(m.text()); });
page.on('pageerror', e => r.console.push(String(e)));
await page.route('**/*', route => {
  const u = route.request().url();
  r.requests.push(u);
  if (u === url) route.continue(); else { r.blocked.push(u); route.abort(); }
});
await page.goto(url, { waitUntil: 'load' });
r.views = await page.evaluate(() => [...document.querySelectorAll('section.view')].map(s => ({
  file: s.dataset.file,
  packets: s.querySelector('td[data-key=packets]').dataset.v,
  bytes: s.querySelector('td[data-key=original_bytes]').dataset.v,
  hier: [...s.querySelectorAll('table.hier tbody tr')].map(tr =>
    [tr.cells[0].dataset.p, +tr.cells[1].dataset.v, +tr.cells[4].dataset.v]),
  damage: !!s.querySelector('.damage'),
  gaps: s.querySelectorAll('svg.io[data-k=pps] rect.gap').length,
})));
// hover a bar group: the tooltip shows its packets
const g = await page.$('svg.io g.bin');
if (g) {
  await g.hover();
  r.tip = await page.evaluate(() => { const t = document.querySelector('.tip');
    return t.style.display === 'block' ? t.textContent : ''; });
  r.tipWant = await g.evaluate(e => e.dataset.p + ' packets');
  // zoom: drag across the middle of the first plot; both charts follow
  const box = await (await page.$('svg.io svg.plot')).boundingBox();
  await page.mouse.move(box.x + box.width * 0.25, box.y + 50);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + 60, { steps: 5 });
  await page.mouse.up();
  r.zoom = await page.evaluate(() => [...document.querySelectorAll('section.view')[0]
    .querySelectorAll('svg.io svg.plot')].map(p => p.getAttribute('viewBox')));
  await page.mouse.dblclick(box.x + box.width * 0.5, box.y + 40);
  r.unzoom = await page.evaluate(() => document.querySelector('svg.io svg.plot').getAttribute('viewBox'));
  await page.mouse.move(0, 0);
}
// sort: a click on a numeric header orders its rows
const th = await page.$('table.conv[data-kind=tcp] th:nth-child(3)');
if (th) {
  await th.click();
  r.sorted = await page.evaluate(() => [...document.querySelector('table.conv[data-kind=tcp]').tBodies[0].rows]
    .map(tr => +tr.cells[2].dataset.v));
}
r.boxes = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map(s => {
  const b = s.getBoundingClientRect();
  return { k: s.dataset.k || 'hist', x: b.x + scrollX, y: b.y + scrollY, w: b.width, h: b.height };
}));
await page.screenshot({ path: shot, fullPage: true });
await browser.close();
const img = png(readFileSync(shot)), bg = img.at(2, 2);
r.background = bg;
r.charts = r.boxes.map(b => {
  // the plot area (right of the y labels, above the x labels)
  const x0 = Math.round(b.x + b.w * 0.08), x1 = Math.round(b.x + b.w * 0.98);
  const y0 = Math.round(b.y + b.h * 0.06), y1 = Math.round(b.y + b.h * 0.8);
  let ink = 0, n = 0;
  for (let y = y0; y < y1 && y < img.h; y += 2)
    for (let x = x0; x < x1 && x < img.w; x += 2) {
      const p = img.at(x, y); n++;
      if (Math.abs(p[0] - bg[0]) + Math.abs(p[1] - bg[1]) + Math.abs(p[2] - bg[2]) > 60) ink++;
    }
  return { k: b.k, ink: n ? ink / n : 0 };
});
writeFileSync(out, JSON.stringify(r));
JSEOF
export CHROME
# shot NAME HTML SCHEME: render, keep the screenshot, leave the result in NAME.json
shot() {
  if ! node "$D/report_page.mjs" "$T/$2" "$SHOTS/$1.png" "$T/$1.json" "$3" 2>"$T/$1.err"; then
    not_ok "$1: chromium could not render: $(head -c 400 "$T/$1.err")"
    echo '{}' >"$T/$1.json"
  fi
}
q() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/$1.json"; }

for f in web gap cut two evil; do
  shot "$f" "$f.html" light
  check_eq "$f: no console error or warning" "[]" "$(q "$f" 'd.get("console")')"
  check_eq "$f: no request but the page" "[]" "$(q "$f" 'd.get("blocked")')"
  check_eq "$f: one request" "1" "$(q "$f" 'len(d.get("requests", []))')"
  check "$f: screenshot kept" test -s "$SHOTS/$f.png"
done
shot web-dark web.html dark

# the charts are drawn: ink in every chart area (bars cover a fair part)
for f in web gap two web-dark; do
  check "$f: every chart has ink in its plot area" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["charts"]
assert len(c) >= 3, c
assert all(x["ink"] > 0.02 for x in c), c' "$T/$f.json"
done
check "dark mode: a dark background" $PY -c '
import json, sys
assert sum(json.load(open(sys.argv[1]))["background"]) < 150' "$T/web-dark.json"
check "light mode: a light background" $PY -c '
import json, sys
assert sum(json.load(open(sys.argv[1]))["background"]) > 600' "$T/web.json"

# the DOM totals equal stats --json
for f in web gap; do
  "$C" stats --json "$f.pcap" >"$f.stats"
  check "$f: DOM totals and hierarchy = stats --json" $PY - "$T/$f.json" "$f.stats" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1]))["views"][0]
s = json.load(open(sys.argv[2]))
assert (int(v["packets"]), int(v["bytes"])) == (s["packets"], s["bytes"]), v
assert v["hier"] == [[h["path"], h["packets"], h["bytes"]] for h in s["hierarchy"]], v["hier"]
PYEOF
done
"$C" stats --json web.pcap gap.pcap >two.stats
check_eq "two files: combined DOM packets = stats --json of both" \
  "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets"])' two.stats)" \
  "$(q two 'd["views"][0]["packets"]')"
check_eq "gap: the gap is in the DOM" "1" "$(q gap 'd["views"][0]["gaps"]')"
check_eq "cut: the damage is in the DOM" "True" "$(q cut 'd["views"][0]["damage"]')"

# hover, zoom, sort
check "hover shows the bin's packets" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tipWant"] in d["tip"], (d["tip"], d["tipWant"])' "$T/web.json"
check "zoom narrows both charts alike, double-click restores" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
z = d["zoom"]
assert len(z) == 2 and z[0] == z[1], z
x, y, w, h = map(float, z[0].split())
assert x > 0 and w > 0, z
assert d["unzoom"].split()[0] == "0", d["unzoom"]' "$T/web.json"
check "a header click sorts its column" $PY -c '
import json, sys
s = json.load(open(sys.argv[1]))["sorted"]
assert len(s) > 1 and (s == sorted(s) or s == sorted(s, reverse=True)), s' "$T/web.json"
echo "screenshots: $SHOTS"
finish
