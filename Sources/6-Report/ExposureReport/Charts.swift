import Foundation

/// Inline SVG figures drawn from the data alone: no map tiles, no fonts, no scripts.
/// Every archive string inside an SVG goes through `HTML.escapeText` (text and `<title>` content).
///
/// Each figure holds two drawings of the same data, one laid out for a wide screen (760 units) and
/// one for a phone (320 units), both shown at most at their own size. The style sheet shows the
/// wide one where the page has room for it at full size and the narrow one otherwise (one media
/// query, no script), so no label is ever scaled down to an unreadable size.
enum Charts {
    struct Layout {
        let narrow: Bool
        static let wide = Layout(narrow: false), phone = Layout(narrow: true)
        var width: Double { narrow ? 320 : 760 }
        /// `class` and the opening tag of the drawing, sized in CSS px (`svg { max-width: 100% }` may shrink it).
        func svg(height: Double, caption: String) -> String {
            "<svg class=\"\(narrow ? "chart-narrow" : "chart-wide")\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-labelledby=\"\(caption)\">\n"
        }
    }

    /// Both drawings and the caption they share.
    static func figure(_ draw: (Layout) -> String, caption id: String, _ caption: String) -> String {
        "<figure class=\"chart\">" + draw(.wide) + draw(.phone) + "<figcaption id=\"\(id)\">\(caption)</figcaption></figure>\n"
    }

    // MARK: - Faces per year

    /// Bars per dated year: all faces of the owner (light) with the labelled ones (dark) in front.
    /// Wide: a column per year; phone: a row per year.
    static func yearChart(_ timeline: [ReportData.YearFaces]) -> String {
        let years = timeline.filter { $0.year != nil }
        guard !years.isEmpty else { return "" }
        return figure({ yearSVG(years, layout: $0) }, caption: "year-chart-cap",
                      "Photos of your face per year (light) and how many of them are labelled with your name (dark).")
    }

    static func yearSVG(_ years: [ReportData.YearFaces], layout: Layout) -> String {
        let maxFaces = Double(max(1, years.map(\.faces).max() ?? 1))
        func tip(_ y: ReportData.YearFaces) -> String {
            "<title>\(y.year.map(String.init) ?? ""): \(Text.plural(y.faces, "photo", "photos")) of you, \(Text.count(y.labelled)) labelled</title>"
        }
        if layout.narrow {
            let width = layout.width, row = 24.0, top = 4.0, labels = 44.0, counts = 40.0, bar = 16.0
            let height = 2 * top + row * Double(years.count)
            let room = width - labels - counts
            var s = layout.svg(height: height, caption: "year-chart-cap")
            for (i, y) in years.enumerated() {
                let by = top + row * Double(i) + (row - bar) / 2
                let w = room * Double(y.faces) / maxFaces, wl = room * Double(y.labelled) / maxFaces
                s += "<g>" + tip(y)
                s += "<text x=\"\(Text.coord(labels - 8))\" y=\"\(Text.coord(by + 12.5))\" text-anchor=\"end\" font-size=\"13\" fill=\"#5a6272\">\(y.year.map(String.init) ?? "")</text>"
                s += "<rect x=\"\(Text.coord(labels))\" y=\"\(Text.coord(by))\" width=\"\(Text.coord(w))\" height=\"\(Text.coord(bar))\" fill=\"#b9c6ea\"/>"
                s += "<rect x=\"\(Text.coord(labels))\" y=\"\(Text.coord(by))\" width=\"\(Text.coord(wl))\" height=\"\(Text.coord(bar))\" fill=\"#1f4fd1\"/>"
                s += "<text x=\"\(Text.coord(labels + w + 5))\" y=\"\(Text.coord(by + 12.5))\" font-size=\"12\" fill=\"#1d2330\">\(Text.count(y.faces))</text>"
                s += "</g>\n"
            }
            s += "<line x1=\"\(Text.coord(labels))\" y1=\"\(Text.coord(top))\" x2=\"\(Text.coord(labels))\" y2=\"\(Text.coord(height - top))\" stroke=\"#8d96ab\"/>\n"
            return s + "</svg>"
        }
        let width = layout.width, height = 190.0, top = 22.0, bottom = 26.0, left = 8.0
        let slot = (width - 2 * left) / Double(years.count)
        let barWidth = min(48, slot * 0.7)
        var s = layout.svg(height: height, caption: "year-chart-cap")
        let plot = height - top - bottom
        for (i, y) in years.enumerated() {
            let x = left + slot * Double(i) + (slot - barWidth) / 2
            let h = plot * Double(y.faces) / maxFaces
            let hl = plot * Double(y.labelled) / maxFaces
            let year = y.year.map(String.init) ?? ""
            s += "<g>" + tip(y)
            s += "<rect x=\"\(Text.coord(x))\" y=\"\(Text.coord(top + plot - h))\" width=\"\(Text.coord(barWidth))\" height=\"\(Text.coord(h))\" fill=\"#b9c6ea\"/>"
            s += "<rect x=\"\(Text.coord(x))\" y=\"\(Text.coord(top + plot - hl))\" width=\"\(Text.coord(barWidth))\" height=\"\(Text.coord(hl))\" fill=\"#1f4fd1\"/>"
            s += "<text x=\"\(Text.coord(x + barWidth / 2))\" y=\"\(Text.coord(top + plot - h - 5))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d2330\">\(Text.count(y.faces))</text>"
            if years.count <= 24 || i % 2 == 0 {
                s += "<text x=\"\(Text.coord(x + barWidth / 2))\" y=\"\(Text.coord(height - 8))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#5a6272\">\(year)</text>"
            }
            s += "</g>\n"
        }
        s += "<line x1=\"\(left)\" y1=\"\(Text.coord(top + plot))\" x2=\"\(Text.coord(width - left))\" y2=\"\(Text.coord(top + plot))\" stroke=\"#8d96ab\"/>\n"
        return s + "</svg>"
    }

    // MARK: - Places map

    /// Equirectangular projection fitted to the points' bounding box (x scaled by the cosine of the
    /// middle latitude so distances look right), a light graticule, the home marked, and city names
    /// for the home and the busiest places. Longitudes are not wrapped across the antimeridian.
    static func placesMap(_ places: [ReportData.Place], attribution: String) -> String {
        guard places.contains(where: isMappable) else { return "" }
        return figure({ placesSVG(places, layout: $0) }, caption: "map-cap",
                      "Where your photos were taken or posted (circle size: number of items; red ring: home; orange: places you return to). Drawn from the coordinates alone, without a background map. \(HTML.escapeText(attribution))")
    }

    static func isMappable(_ p: ReportData.Place) -> Bool {
        p.latitude.isFinite && p.longitude.isFinite && abs(p.latitude) <= 90 && abs(p.longitude) <= 180
    }

    static func placesSVG(_ places: [ReportData.Place], layout: Layout) -> String {
        let points = places.filter(isMappable)
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
        let width = layout.width
        let spanX = (maxLon - minLon) * kx, spanY = maxLat - minLat
        let height = layout.narrow ? min(420, max(220, width * spanY / spanX)) : min(520, max(260, width * spanY / spanX))
        let scale = min(width / spanX, height / spanY)
        let offsetX = (width - spanX * scale) / 2, offsetY = (height - spanY * scale) / 2
        func project(_ lat: Double, _ lon: Double) -> (Double, Double) {
            (offsetX + (lon - minLon) * kx * scale, offsetY + (maxLat - lat) * scale)
        }

        var s = layout.svg(height: height, caption: "map-cap")
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#eef2f7\"/>\n"
        // Graticule at a round step giving a handful of lines.
        let step = niceStep(max(maxLat - minLat, maxLon - minLon) / 5)
        let grid = layout.narrow ? 12 : 11
        var lat = (minLat / step).rounded(.up) * step
        while lat <= maxLat {
            let (_, y) = project(lat, minLon)
            s += "<line x1=\"0\" y1=\"\(Text.coord(y))\" x2=\"\(Int(width))\" y2=\"\(Text.coord(y))\" stroke=\"#d5dbe5\"/>"
            s += "<text x=\"4\" y=\"\(Text.coord(y - 3))\" font-size=\"\(grid)\" fill=\"#6b7385\">\(degrees(lat, "N", "S", step))</text>\n"
            lat += step
        }
        var lon = (minLon / step).rounded(.up) * step
        while lon <= maxLon {
            let (x, _) = project(minLat, lon)
            s += "<line x1=\"\(Text.coord(x))\" y1=\"0\" x2=\"\(Text.coord(x))\" y2=\"\(Int(height))\" stroke=\"#d5dbe5\"/>"
            s += "<text x=\"\(Text.coord(x + 3))\" y=\"\(Text.coord(height - 4))\" font-size=\"\(grid)\" fill=\"#6b7385\">\(degrees(lon, "E", "W", step))</text>\n"
            lon += step
        }

        let maxItems = Double(max(1, points.map(\.items).max() ?? 1))
        func radius(_ p: ReportData.Place) -> Double {
            layout.narrow ? 3 + 9 * (Double(p.items) / maxItems).squareRoot() : 4 + 12 * (Double(p.items) / maxItems).squareRoot()
        }
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
                s += "<circle cx=\"\(Text.coord(x))\" cy=\"\(Text.coord(y))\" r=\"\(Text.coord(radius(p) + (layout.narrow ? 4 : 5)))\" fill=\"none\" stroke=\"#b42318\" stroke-width=\"2.5\"/>"
            }
            s += "</g>\n"
        }
        // Labels: home first, then the busiest places, each on the side of its circle where it fits
        // (shortened if it fits on neither), skipping any that would overlap a placed label.
        // Phone: fewer and shorter, for a map 320 px wide.
        let (count, length) = layout.narrow ? (8, 18) : (12, 28)
        var placed: [(x0: Double, x1: Double, y: Double)] = []
        let labelOrder = points.sorted { ($0.isHome ? 1 : 0, $0.items) > ($1.isHome ? 1 : 0, $1.items) }
        for p in labelOrder.prefix(count) {
            var name = Text.short(p.isHome ? "Home" + (p.city.map { " · " + $0 } ?? "") : (p.city ?? ""), length)
            if name.isEmpty { continue }
            let (x, y) = project(p.latitude, p.longitude)
            let r = radius(p) + (p.isHome ? 8 : 3)
            let roomRight = width - 4 - (x + r), roomLeft = x - r - 4
            let wanted = Text.labelWidth(name, size: 13, bold: p.isHome)
            let right = wanted <= roomRight || (wanted > roomLeft && roomRight >= roomLeft)
            let room = right ? roomRight : roomLeft
            name = Text.fit(name, room: room, size: 13, bold: p.isHome)
            let w = Text.labelWidth(name, size: 13, bold: p.isHome)
            let lx = right ? x + r : x - r, ly = y + 4
            let box = (x0: right ? lx : lx - w, x1: right ? lx + w : lx, y: ly)
            if name.count < 4 || placed.contains(where: { abs($0.y - box.y) < 15 && $0.x0 < box.x1 + 4 && box.x0 < $0.x1 + 4 }) { continue }
            placed.append(box)
            let weight = p.isHome ? "700" : "400"
            s += "<text x=\"\(Text.coord(lx))\" y=\"\(Text.coord(ly))\" text-anchor=\"\(right ? "start" : "end")\" font-size=\"13\" font-weight=\"\(weight)\" fill=\"#1d2330\" stroke=\"#eef2f7\" stroke-width=\"3\" paint-order=\"stroke\">\(HTML.escapeText(name))</text>\n"
        }
        return s + "</svg>"
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

    /// The most-tagged people (up to 40) in order of tag count then name, clockwise from the top,
    /// deterministic; edge width by shared photos, node size by tags. Wide: on a circle, labels
    /// outwards, the owner (when tagged) in the centre. Phone: on a tall ellipse, the first half down
    /// its right side and the rest up its left, spaced evenly in height so the labels (outwards,
    /// shorter) never overlap, and the owner above it, labelled above its dot.
    static let graphLimit = 40

    static func peopleGraph(_ graph: ReportData.PeopleGraph, ownerName: String?) -> String {
        var caption = "Each dot is a person tagged in your export (size: number of tags; red: you). A line joins two people tagged on the same photo; thicker means more photos."
        if graph.nodes.count > graphLimit { caption += " Showing the \(graphLimit) most tagged of \(graph.nodes.count) people." }
        return figure({ peopleGraphSVG(graph, ownerName: ownerName, layout: $0) }, caption: "graph-cap", caption)
    }

    static func peopleGraphSVG(_ graph: ReportData.PeopleGraph, ownerName: String?, layout: Layout) -> String {
        let nodes = Array(graph.nodes.sorted { ($0.count, $1.name) > ($1.count, $0.name) }.prefix(graphLimit))
        var index: [String: Int] = [:]
        for (i, n) in nodes.enumerated() where index[n.name] == nil { index[n.name] = i }
        // The owner, when tagged, sits in the centre; everyone else on the circle.
        let centre = ownerName.flatMap { index[$0] }
        let onRing = nodes.indices.filter { $0 != centre }
        var slot: [Int: Int] = [:]
        for (k, i) in onRing.enumerated() { slot[i] = k }
        let maxCount = Double(max(1, nodes.map(\.count).max() ?? 1))
        func radius(_ i: Int) -> Double {
            let share = (Double(nodes[i].count) / maxCount).squareRoot()
            return layout.narrow ? 3 + 7 * share : 4 + 9 * share
        }

        let width = layout.width, height: Double
        /// Centre of each node, and where its label goes: to the right or left, and how far below its centre line.
        let position: (Int) -> (x: Double, y: Double)
        let label: (Int) -> (right: Bool, dy: Double)
        if layout.narrow {
            let down = (onRing.count + 1) / 2, up = onRing.count - down
            let rx = 44.0, ry = max(80, 15 * Double(max(down, 1)))
            let top = centre == nil ? 24.0 : 64.0
            let cx = width / 2, cy = top + ry
            height = cy + ry + 24
            func onRight(_ i: Int) -> Bool { (slot[i] ?? 0) < down }
            position = { i in
                if i == centre { return (cx, 30) }
                let k = slot[i] ?? 0
                let right = k < down
                let t = right ? (Double(k) + 0.5) / Double(down) : (Double(k - down) + 0.5) / Double(max(1, up))
                let y = right ? cy - ry + 2 * ry * t : cy + ry - 2 * ry * t
                let x = rx * max(0, 1 - (y - cy) * (y - cy) / (ry * ry)).squareRoot()
                return (right ? cx + x : cx - x, y)
            }
            label = { i in i == centre ? (true, -(radius(i) + 6)) : (onRight(i), 0) }
        } else {
            let ring = onRing.count <= 1 && centre == nil ? 0 : min(210, 60 + Double(onRing.count) * 11)
            let cx = 380.0, cy = ring + 45
            height = 2 * ring + 90
            func angle(_ i: Int) -> Double { -Double.pi / 2 + 2 * Double.pi * Double(slot[i] ?? 0) / Double(max(1, onRing.count)) }
            position = { i in i == centre ? (cx, cy) : (cx + ring * cos(angle(i)), cy + ring * sin(angle(i))) }
            label = { i in
                let a = i == centre ? 0 : angle(i)
                return (cos(a) >= -0.01, i == centre ? -(radius(i) + 4) : sin(a) < -0.9 ? -8 : sin(a) > 0.9 ? 10 : 0)
            }
        }
        let edges = graph.edges.filter { index[$0.a] != nil && index[$0.b] != nil && $0.a != $0.b }
        let maxWeight = Double(max(1, edges.map(\.weight).max() ?? 1))
        var s = layout.svg(height: height, caption: "graph-cap")
        for e in edges.sorted(by: { $0.weight < $1.weight }) {
            let (x1, y1) = position(index[e.a]!), (x2, y2) = position(index[e.b]!)
            let w = (layout.narrow ? 0.6 : 0.8) + (layout.narrow ? 3.5 : 5) * Double(e.weight) / maxWeight
            s += "<line x1=\"\(Text.coord(x1))\" y1=\"\(Text.coord(y1))\" x2=\"\(Text.coord(x2))\" y2=\"\(Text.coord(y2))\" stroke=\"#1f4fd1\" stroke-opacity=\"\(String(format: "%.2f", 0.25 + 0.5 * Double(e.weight) / maxWeight))\" stroke-width=\"\(String(format: "%.1f", w))\"><title>\(HTML.escapeText(e.a)) and \(HTML.escapeText(e.b)): \(Text.plural(e.weight, "photo", "photos")) together</title></line>\n"
        }
        for (i, n) in nodes.enumerated() {
            let (x, y) = position(i)
            let r = radius(i)
            let isOwner = n.name == ownerName
            s += "<g><title>\(HTML.escapeText(n.name)): \(Text.plural(n.count, "tag", "tags"))</title>"
            s += "<circle cx=\"\(Text.coord(x))\" cy=\"\(Text.coord(y))\" r=\"\(Text.coord(r))\" fill=\"\(isOwner ? "#b42318" : "#1d2330")\"/>"
            let (right, dy) = label(i)
            // The phone's owner label sits above its dot.
            let middle = layout.narrow && i == centre
            let lx = middle ? x : x + (right ? r + 5 : -(r + 5)), ly = y + 4 + dy
            // Shortened to fit between its dot and the drawing's edge.
            let room = middle ? 2 * min(x, width - x) - 4 : right ? width - 2 - lx : lx - 2
            let name = Text.fit(Text.short(n.name, layout.narrow ? 15 : 22), room: room, size: 12, bold: isOwner)
            s += "<text x=\"\(Text.coord(lx))\" y=\"\(Text.coord(ly))\" text-anchor=\"\(middle ? "middle" : right ? "start" : "end")\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" font-size=\"12\" font-weight=\"\(isOwner ? "700" : "400")\" fill=\"#1d2330\">\(HTML.escapeText(name))</text></g>\n"
        }
        return s + "</svg>"
    }
}
