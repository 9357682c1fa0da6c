import Foundation
import ExposureModel
@testable import ExposureAnalysis

/// Seeded synthetic descriptors whose true identities are known.
struct SyntheticFaces {
    var centres: [[Float]]
    var rng: SplitMix64

    /// `count` centres, Gaussian per dimension, pairwise at least `minSeparation` apart (rejection sampling).
    init(identities count: Int, seed: UInt64, spread: Double = 0.11, minSeparation: Double = 1.2) {
        rng = SplitMix64(seed: seed)
        centres = []
        while centres.count < count {
            let c = (0..<128).map { _ in Float(Self.gaussian(&rng) * spread) }
            if centres.allSatisfy({ Self.distance($0, c) >= minSeparation }) { centres.append(c) }
        }
    }

    /// A face of identity `id`: the centre plus noise of norm in [0.05, 0.15] (so faces of one
    /// identity are < 0.3 apart and faces of different identities > 0.9 apart).
    mutating func face(of id: Int) -> [Float] {
        let noise = (0..<128).map { _ in Self.gaussian(&rng) }
        let norm = sqrt(noise.reduce(0) { $0 + $1 * $1 })
        let radius = 0.05 + 0.1 * Double(rng.next() % 1000) / 1000
        return zip(centres[id], noise).map { Float(Double($0) + $1 / norm * radius) }
    }

    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = (Double(rng.next() >> 11) + 1) / Double(1 << 53), u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Double {
        sqrt(zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) })
    }
}
