// ExposureReport: the self-contained HTML report and the before/after diff page.
//
// A pure renderer. The pipeline fills `ReportData` (or `DiffData`) from the database and calls
//
//     ReportRenderer.render(data, includeThumbnails: true)   // `--no-thumbnails` passes false
//     ReportRenderer.renderDiff(diff)
//
// and writes the returned String wherever the user asked. Nothing here touches the file system
// or the network.
//
// What every page guarantees (tested in Tests/ExposureReportTests, including headless Chromium):
// - One file: style, script and images (data: URIs) are inline; no URL is ever fetched.
// - A Content-Security-Policy meta tag: `default-src 'none'; img-src data:` and the inline style
//   and script allowed only by their SHA-256, so an injected element could neither load nor run.
// - Every string from an archive is escaped for where it lands (`HTML.escapeText`,
//   `HTML.escapeAttribute`); data for the script is JSON with `<`, `>`, `&`, U+2028 and U+2029
//   escaped (`HTML.jsonForScript`) and is read back with `JSON.parse(textContent)`; the script
//   writes only through textContent/setAttribute.
// - Complete with JavaScript off: the script only adds table sorting and a face-blur button.
// - Source names are shown without directories.
// - Fits a phone (360 CSS px) without sideways scrolling: a wide table scrolls inside its own box,
//   long names and hashes break, and every chart is drawn twice (Charts.swift), for a wide screen
//   and for a phone, so no label renders below 11 px (PhoneLayoutTests, in headless Chromium).
//
// The page skeleton, CSS and JS live in the top-level `reports/assets/` folder (target ReportAssets)
// and are compiled in with SwiftPM's `.embedInCode`.
