import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM during a command that writes an inventory: `save` leaves the inventory
/// whole (ExposurePipeline's Scanner.saveForInterrupt), one line says what happened, and the
/// process exits with 128 + the signal. A second signal while saving is ignored.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "exposure.interrupts")
    nonisolated(unsafe) private static var handled = false

    static func onInterrupt(message: String, save: @escaping () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                guard !handled else { return }
                handled = true
                save()
                FileHandle.standardError.write(Data("\nexposure: interrupted; \(message)\n".utf8))
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
