// Lighthouse (mobile) on a list of pages in one headless Chromium, for tests/lighthouse.py (npm ci here: make install-test).
//
// Reads {"chrome": path, "categories": [...], "pages": [{"id", "url", "cookie"}]} as JSON on stdin and
// writes one JSON line per page as it is done: {"id", "url", "scores": {category: score}, "failing":
// [{"id", "title", "score", "items"}], "error"}. A signed-in page is audited with its session's cookies sent
// as a header on every request; the browser's own cookies are cleared before each page (Lighthouse resets
// the origin's storage, and one an earlier page set would travel beside them).
import lighthouse from "lighthouse";
import defaultConfig from "lighthouse/core/config/default-config.js";
import { ExecutionContext } from "lighthouse/core/gather/driver/execution-context.js";
import { pageFunctions } from "lighthouse/core/lib/page-functions.js";
import * as chromeLauncher from "chrome-launcher";
import puppeteer from "puppeteer-core";
import messageFormat from "intl-messageformat";

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
// Throttling stays Lighthouse's mobile default, "simulate": it slows nothing while the page loads (it only
// models the performance metrics afterwards), and the phone's screen it emulates is what the tap-target,
// font-size and viewport audits judge.
const settings = performance ? { disableFullPageScreenshot: true } : {
  disableFullPageScreenshot: true,
  pauseAfterFcpMs: 100,
  pauseAfterLoadMs: 100,
  networkQuietThresholdMs: 100,
  cpuQuietThresholdMs: 100,
};
// Cookies are cleared too: one set by an earlier page would travel beside the one sent here and hide it.
const clearStorageTypes = ["cookies", "file_systems", "shader_cache", "service_workers", "cache_storage"];
// Lighthouse's default configuration cut down to the audits of the categories asked for: resolving the whole
// of it (every audit's strings in every locale) took a second of CPU per page, and the scores come out the same.
const wanted = new Set(categories.flatMap((c) => defaultConfig.categories[c].auditRefs.map((r) => r.id)));
const config = {
  artifacts: defaultConfig.artifacts,
  audits: defaultConfig.audits.filter((audit) => wanted.has((audit.path ?? audit).split("/").pop())),
  categories: Object.fromEntries(categories.map((c) => [c, defaultConfig.categories[c]])),
  groups: defaultConfig.groups,
  settings: { onlyCategories: categories, clearStorageTypes, ...settings },
};

// Lighthouse formats every string of every audit through IntlMessageFormat, which asks ICU which locales it
// supports each time (half of Lighthouse's own CPU time per page): the answer for a locale is kept.
const MessageFormat = messageFormat.IntlMessageFormat ?? messageFormat; // a CommonJS module, as Lighthouse takes it
const resolveLocale = MessageFormat.resolveLocale;
const resolved = new Map();
MessageFormat.resolveLocale = (locales) => {
  const key = JSON.stringify(locales);
  if (!resolved.has(key)) resolved.set(key, resolveLocale(locales));
  return resolved.get(key);
};

// Before every page Lighthouse times two 500 ms busy loops in the browser to rate the machine, which only the
// performance category's estimates use: without it, the rating is skipped (a mid-range phone's 1000).
if (!performance) {
  const evaluate = ExecutionContext.prototype.evaluate;
  ExecutionContext.prototype.evaluate = function (mainFn, options) {
    return mainFn === pageFunctions.computeBenchmarkIndex ? Promise.resolve(1000) : evaluate.call(this, mainFn, options);
  };
}

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
// One tab for every page, rather than a connection and a tab of Lighthouse's own for each.
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
const tab = await browser.newPage();
try {
  for (const page of input.pages) {
    const flags = { logLevel: "silent", output: "json" };
    if (page.cookie) flags.extraHeaders = { Cookie: page.cookie };
    let line;
    try {
      let result = (await lighthouse(page.url, flags, config, tab)).lhr;
      // A trace that missed the navigation (NO_NAVSTART) happens now and then on a busy machine: Lighthouse
      // itself says to run it again. Once; a page that fails twice is reported.
      if (result.runtimeError) result = (await lighthouse(page.url, flags, config, tab)).lhr;
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
  await browser.disconnect();
  await chrome.kill();
}
