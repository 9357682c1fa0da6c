// The report's page skeleton, style sheet and script, compiled into the binary from the files
// beside this one (SwiftPM `.embedInCode`), so a generated report never depends on files
// installed next to the executable and never fetches anything.
//
// page.html.template holds `{{NAME}}` placeholders that ExposureReport fills in one pass:
// CSP, TITLE, STYLE, BODY, DATA, SCRIPT.

public enum ReportAssets {
    /// The HTML skeleton with `{{NAME}}` placeholders.
    public static let pageTemplate = String(decoding: PackageResources.page_html_template, as: UTF8.self)
    /// The complete style sheet (screen and print), inlined into a `<style>` element and allowed by its hash.
    public static let styleSheet = String(decoding: PackageResources.report_css, as: UTF8.self)
    /// The enhancement script (sorting, face blur toggle), inlined and allowed by its hash.
    public static let script = String(decoding: PackageResources.report_js, as: UTF8.self)
}
