// Lighthouse (mobile) on a list of pages in one headless Chromium, for tests/lighthouse.py (npm ci here: make install-test).
//
// Reads {"chrome": path, "categories": [...], "pages": [{"id", "url", "cookie"}]} as JSON on stdin and
// writes one JSON line per page as it is done: {"id", "url", "scores": {category: score}, "failing":
// [{"id", "title", "score", "items"}], "error"}. A signed-in page is audited with its session's cookies sent
// as a header on every request; the browser's own cookies are cleared before each page (Lighthouse resets
// the origin's storage, and one an earlier page set would travel beside them).
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => resolve(text));
}));

const categories = input.categories;
const performance = categories.includes("performance");
// Without the performance category nothing needs a settled page or a screenshot: a server-made page is
// whole at its load event, so a short wait after it is enough (the defaults wait seconds per page).
const settings = performance ? { disableFullPageScreenshot: true } : {
  disableFullPageScreenshot: true,
  pauseAfterFcpMs: 100,
  pauseAfterLoadMs: 100,
  networkQuietThresholdMs: 100,
  cpuQuietThresholdMs: 100,
};
// Cookies are cleared too: one set by an earlier page would travel beside the one sent here and hide it.
const clearStorageTypes = ["cookies", "file_systems", "shader_cache", "service_workers", "cache_storage"];
const config = { extends: "lighthouse:default", settings: { onlyCategories: categories, clearStorageTypes, ...settings } };

function failing(result) {
  const wanted = new Set(categories.flatMap((c) => result.categories[c].auditRefs.filter((r) => r.weight > 0).map((r) => r.id)));
  return Object.values(result.audits)
    .filter((a) => wanted.has(a.id) && a.score !== null && a.score < 1)
    .map((a) => ({
      id: a.id,
      title: a.title,
      score: a.score,
      items: (a.details?.items ?? []).slice(0, 5).map((i) => i.node?.snippet ?? i.description ?? i.source?.url ?? i.url ?? JSON.stringify(i).slice(0, 200)),
    }));
}

const chrome = await chromeLauncher.launch({
  chromePath: input.chrome,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  logLevel: "silent",
});
try {
  for (const page of input.pages) {
    const flags = { port: chrome.port, logLevel: "silent", output: "json" };
    if (page.cookie) flags.extraHeaders = { Cookie: page.cookie };
    let line;
    try {
      let result = (await lighthouse(page.url, flags, config)).lhr;
      // A trace that missed the navigation (NO_NAVSTART) happens now and then on a busy machine: Lighthouse
      // itself says to run it again. Once; a page that fails twice is reported.
      if (result.runtimeError) result = (await lighthouse(page.url, flags, config)).lhr;
      line = {
        id: page.id,
        url: page.url,
        final_url: result.finalDisplayedUrl,
        scores: Object.fromEntries(categories.map((c) => [c, result.categories[c].score])),
        failing: failing(result),
        error: result.runtimeError?.message ?? null,
      };
    } catch (error) {
      line = { id: page.id, url: page.url, scores: {}, failing: [], error: String(error) };
    }
    process.stdout.write(JSON.stringify(line) + "\n");
  }
} finally {
  await chrome.kill();
}
