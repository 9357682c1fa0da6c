import ArchiveInput
import Foundation
import XCTest

/// Reading speed, printed as ratios against peers measured in the same run (never asserted:
/// timings on a shared machine are noise). Runs only with EXPOSURE_BENCH=1:
///
///     EXPOSURE_BENCH=1 swift test -c release --filter ArchiveBenchmark
///
/// Input: 5,000 incompressible 48 KiB "photos" + 5,000 small JSON sidecars in one deflated zip
/// (and the same as .tgz). Peers: reading the archive file's bytes and hashing them (the floor),
/// and python3's zipfile/tarfile + hashlib doing the same work.
final class ArchiveBenchmark: XCTestCase {
    func testReadFiveThousandPhotos() throws {
        guard ProcessInfo.processInfo.environment["EXPOSURE_BENCH"] == "1" else {
            throw XCTSkip("benchmark: set EXPOSURE_BENCH=1")
        }
        let dir = try TemporaryFolder()
        // EXPOSURE_BENCH_DIR keeps the generated archives between runs (for profiling).
        let keep = ProcessInfo.processInfo.environment["EXPOSURE_BENCH_DIR"].map(URL.init(fileURLWithPath:))
        let base = keep ?? dir.url
        let zip = base.appendingPathComponent("bench.zip"), tgz = base.appendingPathComponent("bench.tgz")
        if !FileManager.default.fileExists(atPath: tgz.path) {
        try Python.run("""
            import sys, zipfile, tarfile, io, random
            rnd = random.Random(1)
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z, \\
                 tarfile.open(sys.argv[2], 'w:gz', compresslevel=1) as t:
                for i in range(5000):
                    for name, data in ((f'Takeout/Photos/IMG_{i}.jpg', rnd.randbytes(48 * 1024)),
                                       (f'Takeout/Photos/IMG_{i}.jpg.json', b'{"title": "IMG_%d.jpg"}' % i)):
                        z.writestr(name, data)
                        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            """, [zip.path, tgz.path])
        }
        let only = ProcessInfo.processInfo.environment["EXPOSURE_BENCH_ONLY"]

        func median(_ runs: Int = 3, _ work: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                try work()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[runs / 2]
        }
        for url in [zip, tgz] where only == nil || url.lastPathComponent == only {
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! NSNumber
            let floor = try median {
                let handle = try FileHandle(forReadingFrom: url)
                var hasher = SHA256()
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
                _ = hasher.finalize()
            }
            var export: ExportArchive? = nil
            let index = try median { export = try ExportArchive(parts: [url]) }
            let photos = Set(export!.paths.filter { $0.hasSuffix(".jpg") })
            var hashed = 0
            let pass = try median {
                hashed = 0
                try export!.forEachFile(photos) { _, reader in _ = try reader.hashAll(); hashed += 1 }
            }
            let sidecars = export!.paths.filter { $0.hasSuffix(".json") }
            let metadata = try median { for path in sidecars { _ = try export!.contents(of: path, maxBytes: 1 << 20) } }
            let python = try median {
                try Python.run("""
                    import sys, zipfile, tarfile, hashlib
                    p = sys.argv[1]
                    if p.endswith('.zip'):
                        with zipfile.ZipFile(p) as z:
                            for n in z.namelist():
                                if n.endswith('.jpg'): hashlib.sha256(z.read(n)).digest()
                    else:
                        with tarfile.open(p, 'r:gz') as t:
                            for m in t:
                                if m.name.endswith('.jpg'): hashlib.sha256(t.extractfile(m).read()).digest()
                    """, [url.path])
            }
            XCTAssertEqual(hashed, 5000)
            let mb = size.doubleValue / 1e6
            print(String(format: "ArchiveBenchmark %@ (%.0f MB, 10,000 entries, median of 3): index %.3f s; "
                         + "hash 5,000 photos %.3f s (%.0f MB/s); 5,000 sidecars from cache %.4f s; "
                         + "floor (read+hash file) %.3f s; python3 zipfile/tarfile+hashlib %.3f s; "
                         + "pass/floor %.2f, pass/python %.2f",
                         url.lastPathComponent, mb, index, pass, mb / pass, metadata, floor, python,
                         pass / floor, pass / python))
        }
    }
}
