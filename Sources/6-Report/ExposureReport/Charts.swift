import Foundation

/// Inline SVG figures drawn from the data alone: no map tiles, no fonts, no scripts.
/// Every archive string inside an SVG goes through `HTML.escapeText` (text and `<title>` content).
enum Charts {
    // MARK: - Faces per year

    /// Bars per dated year: all faces of the owner (light) with the labelled ones (dark) in front.
    static func yearChart(_ timeline: [ReportData.YearFaces]) -> String {
        let years = timeline.filter { $0.year != nil }
        guard !years.isEmpty else { return "" }
        let width = 760.0, height = 190.0, top = 22.0, bottom = 26.0, left = 8.0
        let maxFaces = Double(max(1, years.map(\.faces).max() ?? 1))
        let slot = (width - 2 * left) / Double(years.count)
        let barWidth = min(48, slot * 0.7)
        var s = "<figure><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-labelledby=\"year-chart-cap\">\n"
        let plot = height - top - bottom
        for (i, y) in years.enumerated() {
            let x = left + slot * Double(i) + (slot - barWidth) / 2
            let h = plot * Double(y.faces) / maxFaces
            let hl = plot * Double(y.labelled) / maxFaces
            let year = y.year.map(String.init) ?? ""
            s += "<g><title>\(year): \(Text.plural(y.faces, "photo", "photos")) of you, \(Text.count(y.labelled)) labelled</title>"
            s += "<rect x=\"\(Text.coord(x))\" y=\"\(Text.coord(top + plot - h))\" width=\"\(Text.coord(barWidth))\" height=\"\(Text.coord(h))\" fill=\"#b9c6ea\"/>"
            s += "<rect x=\"\(Text.coord(x))\" y=\"\(Text.coord(top + plot - hl))\" width=\"\(Text.coord(barWidth))\" height=\"\(Text.coord(hl))\" fill=\"#1f4fd1\"/>"
            s += "<text x=\"\(Text.coord(x + barWidth / 2))\" y=\"\(Text.coord(top + plot - h - 5))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d2330\">\(Text.count(y.faces))</text>"
            if years.count <= 24 || i % 2 == 0 {
                s += "<text x=\"\(Text.coord(x + barWidth / 2))\" y=\"\(Text.coord(height - 8))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5a6272\">\(year)</text>"
            }
            s += "</g>\n"
        }
        s += "<line x1=\"\(left)\" y1=\"\(Text.coord(top + plot))\" x2=\"\(Text.coord(width - left))\" y2=\"\(Text.coord(top + plot))\" stroke=\"#8d96ab\"/>\n"
        s += "</svg><figcaption id=\"year-chart-cap\">Photos of your face per year (light) and how many of them are labelled with your name (dark).</figcaption></figure>\n"
        return s
    }

    // MARK: - Places map

    /// Equirectangular projection fitted to the points' bounding box (x scaled by the cosine of the
    /// middle latitude so distances look right), a light graticule, the home marked, and city names
    /// for the home and the busiest places. Longitudes are not wrapped across the antimeridian.
    static func placesMap(_ places: [ReportData.Place], attribution: String) -> String {
        let points = places.filter { $0.latitude.isFinite && $0.longitude.isFinite && abs($0.latitude) <= 90 && abs($0.longitude) <= 180 }
        guard !points.isEmpty else { return "" }
        var minLat = points.map(\.latitude).min()!, maxLat = points.map(\.latitude).max()!
        var minLon = points.map(\.longitude).min()!, maxLon = points.map(\.longitude).max()!
        // At least ~2 km across, plus a margin so markers and labels fit.
        let minSpan = 0.02
        if maxLat - minLat < minSpan { let c = (maxLat + minLat) / 2; minLat = c - minSpan / 2; maxLat = c + minSpan / 2 }
        if maxLon - minLon < minSpan { let c = (maxLon + minLon) / 2; minLon = c - minSpan / 2; maxLon = c + minSpan / 2 }
        let padLat = (maxLat - minLat) * 0.12, padLon = (maxLon - minLon) * 0.12
        minLat = max(-90, minLat - padLat); maxLat = min(90, maxLat + padLat)
        minLon = max(-180, minLon - padLon); maxLon = min(180, maxLon + padLon)

        let kx = max(0.05, cos((minLat + maxLat) / 2 * .pi / 180))
        let width = 760.0
        let spanX = (maxLon - minLon) * kx, spanY = maxLat - minLat
        let height = min(520, max(260, width * spanY / spanX))
        let scale = min(width / spanX, height / spanY)
        let offsetX = (width - spanX * scale) / 2, offsetY = (height - spanY * scale) / 2
        func project(_ lat: Double, _ lon: Double) -> (Double, Double) {
            (offsetX + (lon - minLon) * kx * scale, offsetY + (maxLat - lat) * scale)
        }

        var s = "<figure><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-labelledby=\"map-cap\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#eef2f7\"/>\n"
        // Graticule at a round step giving a handful of lines.
        let step = niceStep(max(maxLat - minLat, maxLon - minLon) / 5)
        var lat = (minLat / step).rounded(.up) * step
        while lat <= maxLat {
            let (_, y) = project(lat, minLon)
            s += "<line x1=\"0\" y1=\"\(Text.coord(y))\" x2=\"\(Int(width))\" y2=\"\(Text.coord(y))\" stroke=\"#d5dbe5\"/>"
            s += "<text x=\"4\" y=\"\(Text.coord(y - 3))\" font-size=\"10\" fill=\"#7a8292\">\(degrees(lat, "N", "S", step))</text>\n"
            lat += step
        }
        var lon = (minLon / step).rounded(.up) * step
        while lon <= maxLon {
            let (x, _) = project(minLat, lon)
            s += "<line x1=\"\(Text.coord(x))\" y1=\"0\" x2=\"\(Text.coord(x))\" y2=\"\(Int(height))\" stroke=\"#d5dbe5\"/>"
            s += "<text x=\"\(Text.coord(x + 3))\" y=\"\(Text.coord(height - 4))\" font-size=\"10\" fill=\"#7a8292\">\(degrees(lon, "E", "W", step))</text>\n"
            lon += step
        }

        let maxItems = Double(max(1, points.map(\.items).max() ?? 1))
        func radius(_ p: ReportData.Place) -> Double { 4 + 12 * (Double(p.items) / maxItems).squareRoot() }
        // Big circles first so small ones stay visible; the home last, on top.
        let drawOrder = points.sorted { ($0.isHome ? 1 : 0, -$0.items) < ($1.isHome ? 1 : 0, -$1.items) }
        for p in drawOrder {
            let (x, y) = project(p.latitude, p.longitude)
            let fill = p.isHome ? "#b42318" : (p.isRegular ? "#d97706" : "#1f4fd1")
            var tip = [p.city, p.country].compactMap { $0 }.joined(separator: ", ")
            if tip.isEmpty { tip = String(format: "%.4f, %.4f", p.latitude, p.longitude) }
            tip += ": " + Text.plural(p.items, "item", "items") + (p.isHome ? " (home)" : p.isRegular ? " (regular)" : "")
            s += "<g><title>\(HTML.escapeText(tip))</title>"
            s += "<circle cx=\"\(Text.coord(x))\" cy=\"\(Text.coord(y))\" r=\"\(Text.coord(radius(p)))\" fill=\"\(fill)\" fill-opacity=\"0.65\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>"
            if p.isHome {
                s += "<circle cx=\"\(Text.coord(x))\" cy=\"\(Text.coord(y))\" r=\"\(Text.coord(radius(p) + 5))\" fill=\"none\" stroke=\"#b42318\" stroke-width=\"2.5\"/>"
            }
            s += "</g>\n"
        }
        // Labels: home first, then the busiest places, skipping any that would overlap a placed label.
        var placed: [(Double, Double)] = []
        let labelOrder = points.sorted { ($0.isHome ? 1 : 0, $0.items) > ($1.isHome ? 1 : 0, $1.items) }
        for p in labelOrder.prefix(12) {
            let name = p.isHome ? "Home" + (p.city.map { " · " + $0 } ?? "") : (p.city ?? "")
            if name.isEmpty { continue }
            let (x, y) = project(p.latitude, p.longitude)
            let r = radius(p) + (p.isHome ? 8 : 3)
            let right = x < width - 160
            let lx = right ? x + r : x - r, ly = y + 4
            if placed.contains(where: { abs($0.1 - ly) < 14 && abs($0.0 - lx) < 120 }) { continue }
            placed.append((lx, ly))
            let weight = p.isHome ? "700" : "400"
            s += "<text x=\"\(Text.coord(lx))\" y=\"\(Text.coord(ly))\" text-anchor=\"\(right ? "start" : "end")\" font-size=\"13\" font-weight=\"\(weight)\" fill=\"#1d2330\" stroke=\"#eef2f7\" stroke-width=\"3\" paint-order=\"stroke\">\(HTML.escapeText(Text.short(name, 28)))</text>\n"
        }
        s += "</svg><figcaption id=\"map-cap\">Where your photos were taken or posted (circle size: number of items; red ring: home; orange: places you return to). Drawn from the coordinates alone, without a background map. \(HTML.escapeText(attribution))</figcaption></figure>\n"
        return s
    }

    static func niceStep(_ raw: Double) -> Double {
        let candidates = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 45, 90]
        return candidates.first(where: { $0 >= raw }) ?? 90
    }

    static func degrees(_ v: Double, _ positive: String, _ negative: String, _ step: Double) -> String {
        let decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3
        return String(format: "%.\(decimals)f°", abs(v)) + (v >= 0 ? positive : negative)
    }

    // MARK: - People-tag graph

    /// Circular layout, deterministic: the most-tagged people (up to 40) in order of tag count then
    /// name, clockwise from the top; edge width by shared photos, node size by tags.
    static func peopleGraph(_ graph: ReportData.PeopleGraph, ownerName: String?) -> String {
        let limit = 40
        let nodes = Array(graph.nodes.sorted { ($0.count, $1.name) > ($1.count, $0.name) }.prefix(limit))
        var index: [String: Int] = [:]
        for (i, n) in nodes.enumerated() where index[n.name] == nil { index[n.name] = i }
        // The owner, when tagged, sits in the centre; everyone else on the circle.
        let centre = ownerName.flatMap { index[$0] }
        let onRing = nodes.indices.filter { $0 != centre }
        var slot: [Int: Int] = [:]
        for (k, i) in onRing.enumerated() { slot[i] = k }
        let ring = onRing.count <= 1 && centre == nil ? 0 : min(210, 60 + Double(onRing.count) * 11)
        let width = 760.0, height = 2 * ring + 90, cx = 380.0, cy = ring + 45
        func angle(_ i: Int) -> Double { -Double.pi / 2 + 2 * Double.pi * Double(slot[i] ?? 0) / Double(max(1, onRing.count)) }
        func position(_ i: Int) -> (Double, Double) {
            if i == centre { return (cx, cy) }
            return (cx + ring * cos(angle(i)), cy + ring * sin(angle(i)))
        }
        let edges = graph.edges.filter { index[$0.a] != nil && index[$0.b] != nil && $0.a != $0.b }
        let maxWeight = Double(max(1, edges.map(\.weight).max() ?? 1))
        let maxCount = Double(max(1, nodes.map(\.count).max() ?? 1))
        var s = "<figure><svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-labelledby=\"graph-cap\">\n"
        for e in edges.sorted(by: { $0.weight < $1.weight }) {
            let (x1, y1) = position(index[e.a]!), (x2, y2) = position(index[e.b]!)
            let w = 0.8 + 5 * Double(e.weight) / maxWeight
            s += "<line x1=\"\(Text.coord(x1))\" y1=\"\(Text.coord(y1))\" x2=\"\(Text.coord(x2))\" y2=\"\(Text.coord(y2))\" stroke=\"#1f4fd1\" stroke-opacity=\"\(String(format: "%.2f", 0.25 + 0.5 * Double(e.weight) / maxWeight))\" stroke-width=\"\(String(format: "%.1f", w))\"><title>\(HTML.escapeText(e.a)) and \(HTML.escapeText(e.b)): \(Text.plural(e.weight, "photo", "photos")) together</title></line>\n"
        }
        for (i, n) in nodes.enumerated() {
            let (x, y) = position(i)
            let r = 4 + 9 * (Double(n.count) / maxCount).squareRoot()
            let isOwner = n.name == ownerName
            s += "<g><title>\(HTML.escapeText(n.name)): \(Text.plural(n.count, "tag", "tags"))</title>"
            s += "<circle cx=\"\(Text.coord(x))\" cy=\"\(Text.coord(y))\" r=\"\(Text.coord(r))\" fill=\"\(isOwner ? "#b42318" : "#1d2330")\"/>"
            let a = i == centre ? 0 : angle(i)
            let right = cos(a) >= -0.01
            let lx = x + (right ? r + 5 : -(r + 5)), ly = y + 4 + (i == centre ? -(r + 4) : sin(a) < -0.9 ? -8 : sin(a) > 0.9 ? 10 : 0)
            s += "<text x=\"\(Text.coord(lx))\" y=\"\(Text.coord(ly))\" text-anchor=\"\(right ? "start" : "end")\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" font-size=\"12\" font-weight=\"\(isOwner ? "700" : "400")\" fill=\"#1d2330\">\(HTML.escapeText(Text.short(n.name)))</text></g>\n"
        }
        s += "</svg><figcaption id=\"graph-cap\">Each dot is a person tagged in your export (size: number of tags; red: you). A line joins two people tagged on the same photo; thicker means more photos."
        if graph.nodes.count > limit { s += " Showing the \(limit) most tagged of \(graph.nodes.count) people." }
        s += "</figcaption></figure>\n"
        return s
    }
}
